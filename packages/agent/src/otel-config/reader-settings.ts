import type { ConfigurationModel, MetricReaderConfigModel } from '@opentelemetry/configuration';
import { formatConfigPath, type PathIssue } from '../config/config-path.js';
import { exporterSettings } from './exporter-settings.js';
import { prometheusSettings } from './prometheus-settings.js';
import type { OtelPrometheusSettings, OtelReaderSettings } from './types.js';

/** The spec's defaults for a periodic reader. */
const DEFAULT_INTERVAL_MILLIS = 60_000;
const DEFAULT_TIMEOUT_MILLIS = 30_000;
/** Same floor as a receiver's collection_interval: faster only burns CPU. */
const MIN_INTERVAL_MILLIS = 1_000;

export interface ReaderSettingsResult {
  readers: OtelReaderSettings[];
  prometheus: OtelPrometheusSettings[];
  errors: PathIssue[];
  warnings: PathIssue[];
}

/** `meter_provider.readers` to plain reader settings; `disabled: true` yields none. */
export function readerSettings(model: ConfigurationModel): ReaderSettingsResult {
  const result: ReaderSettingsResult = { readers: [], prometheus: [], errors: [], warnings: [] };
  if (model.disabled === true) {
    result.warnings.push({
      path: ['disabled'],
      at: 'value',
      message: 'the file disables the SDK: it adds no exporters',
    });
    return result;
  }
  const readers = model.meter_provider?.readers ?? [];
  if (readers.length === 0) {
    result.errors.push({
      path: ['meter_provider'],
      at: 'key',
      message: 'the file configures no metric readers, so nothing would be exported',
      hint: 'add meter_provider.readers with a periodic or pull reader; otel-config/file.yaml is a complete example',
    });
  }
  for (const [index, reader] of readers.entries()) {
    // The schema lets a reader be only one of periodic and pull.
    if (reader.pull) {
      const settings = pullReader(reader.pull, index, result);
      if (settings) result.prometheus.push(settings);
      continue;
    }
    const settings = oneReader(reader, index, result);
    if (settings) result.readers.push(settings);
  }
  return result;
}

/** A pull reader is the agent's own `/metrics` on another address: no interval, cumulative, as Prometheus expects. */
function pullReader(
  pull: NonNullable<MetricReaderConfigModel['pull']>,
  index: number,
  result: ReaderSettingsResult,
): OtelPrometheusSettings | undefined {
  const at = ['meter_provider', 'readers', index];
  const exporter = prometheusSettings(pull.exporter, [...at, 'pull', 'exporter']);
  result.errors.push(...exporter.errors);
  result.warnings.push(...exporter.warnings);
  return exporter.settings && { path: formatConfigPath(at), ...exporter.settings };
}

function oneReader(
  reader: MetricReaderConfigModel,
  index: number,
  result: ReaderSettingsResult,
): OtelReaderSettings | undefined {
  const at = ['meter_provider', 'readers', index];
  const periodic = reader.periodic;
  if (!periodic) {
    result.errors.push({
      path: at,
      at: 'value',
      message: 'has neither a periodic nor a pull reader',
      hint: 'write periodic: { ... } or pull: { ... }',
    });
    return undefined;
  }
  const intervalMillis = periodic.interval ?? DEFAULT_INTERVAL_MILLIS;
  if (intervalMillis < MIN_INTERVAL_MILLIS) {
    result.errors.push({
      path: [...at, 'periodic', 'interval'],
      at: 'value',
      message: `must be at least ${MIN_INTERVAL_MILLIS} (milliseconds)`,
      hint: 'the interval is in milliseconds, e.g. 10000 for 10 s',
    });
  }
  // 0 means "no limit" in the spec; an export never outlives its interval here (the SDK's reader requires it).
  const timeout = periodic.timeout ?? DEFAULT_TIMEOUT_MILLIS;
  const timeoutMillis = timeout === 0 ? intervalMillis : Math.min(timeout, intervalMillis);
  const exporter = exporterSettings(periodic.exporter, [...at, 'periodic', 'exporter'], timeoutMillis);
  result.errors.push(...exporter.errors);
  result.warnings.push(...exporter.warnings);
  if (!exporter.settings || intervalMillis < MIN_INTERVAL_MILLIS) return undefined;
  return {
    path: formatConfigPath(at),
    intervalMillis,
    timeoutMillis,
    temporality: exporter.temporality,
    exporter: exporter.settings,
  };
}
