import type { ConfigurationModel } from '@opentelemetry/configuration';
import { isPlainObject, type ConfigPath, type PathIssue } from '../config/config-path.js';
import { didYouMean } from '../config/did-you-mean.js';

/** The sentence every privacy-related warning ends with (otel-config/README.md quotes it). */
export const PRIVACY_STAYS =
  'the privacy policy stays ours and cannot be switched off by such a file (see otel-config/README.md)';

interface Ignored {
  /** What the key would do if it were applied. */
  why: string;
  /** It would widen collection or weaken the privacy policy. */
  privacy: boolean;
}

const TOP_LEVEL: Record<string, Ignored> = {
  resource: {
    why: 'resource attributes and detectors (host.name, process.owner, ...) would be added to every export',
    privacy: true,
  },
  attribute_limits: { why: 'attribute limits would let longer or more attribute values through', privacy: true },
  'instrumentation/development': { why: 'instrumentation settings would change what is collected', privacy: true },
  tracer_provider: { why: 'the agent exports metrics only', privacy: false },
  logger_provider: { why: 'the agent exports metrics only', privacy: false },
  propagator: { why: 'the agent exports metrics only', privacy: false },
  log_level: { why: 'the agent logs to stderr at its own level', privacy: false },
  distribution: { why: 'vendor-specific settings are not used', privacy: false },
};
const HANDLED_TOP_LEVEL = ['file_format', 'disabled', 'meter_provider'];

const METER_PROVIDER: Record<string, Ignored> = {
  views: { why: 'views would change which metrics and attributes are kept and how they aggregate', privacy: true },
  exemplar_filter: { why: 'exemplars would carry raw measurements and their attributes', privacy: true },
  'meter_configurator/development': { why: 'meter settings would enable meters the policy leaves out', privacy: true },
};

const PERIODIC: Record<string, Ignored> = {
  producers: { why: 'metric producers would add data that did not come through a receiver', privacy: true },
  cardinality_limits: { why: 'cardinality limits would keep more attribute combinations', privacy: true },
  'max_export_batch_size/development': { why: 'batch size limits are not supported', privacy: false },
};

const PULL: Record<string, Ignored> = {
  producers: PERIODIC['producers']!,
  cardinality_limits: PERIODIC['cardinality_limits']!,
};

const PROMETHEUS: Record<string, Ignored> = {
  resource_constant_labels: {
    why: 'target_info carries the resource (only what the privacy policy builds) once, not as labels on every series',
    privacy: false,
  },
};

const EXPORTER: Record<string, Ignored> = {
  default_histogram_aggregation: { why: 'histogram aggregation is set by the privacy views', privacy: true },
};

/** Warnings for every key the agent does not apply, each saying why; privacy-related ones say it stays ours. */
export function ignoredKeyWarnings(model: ConfigurationModel): PathIssue[] {
  const warnings: PathIssue[] = [];
  const check = (value: unknown, table: Record<string, Ignored>, at: ConfigPath): void => {
    if (!isPlainObject(value)) return;
    for (const [key, ignored] of Object.entries(table)) {
      if (value[key] !== undefined) warnings.push(ignoredWarning([...at, key], ignored));
    }
  };
  check(model, TOP_LEVEL, []);
  for (const key of Object.keys(model)) {
    if (key in TOP_LEVEL || HANDLED_TOP_LEVEL.includes(key)) continue;
    const suggestion = didYouMean(key, [...HANDLED_TOP_LEVEL, ...Object.keys(TOP_LEVEL)]);
    warnings.push({
      path: [key],
      at: 'key',
      message: `ignored: unknown key${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`,
    });
  }
  const meterProvider = model.meter_provider;
  check(meterProvider, METER_PROVIDER, ['meter_provider']);
  for (const [index, reader] of (meterProvider?.readers ?? []).entries()) {
    const periodic = reader.periodic;
    const at = ['meter_provider', 'readers', index, 'periodic'];
    check(periodic, PERIODIC, at);
    for (const [name, settings] of Object.entries(periodic?.exporter ?? {})) {
      check(settings, EXPORTER, [...at, 'exporter', name]);
    }
    const pullAt = ['meter_provider', 'readers', index, 'pull'];
    check(reader.pull, PULL, pullAt);
    check(reader.pull?.exporter['prometheus/development'], PROMETHEUS, [
      ...pullAt,
      'exporter',
      'prometheus/development',
    ]);
  }
  return warnings;
}

function ignoredWarning(path: ConfigPath, ignored: Ignored): PathIssue {
  return {
    path,
    at: 'key',
    message: `ignored: ${ignored.why}; ${ignored.privacy ? PRIVACY_STAYS : 'remove the key to silence this'}`,
  };
}
