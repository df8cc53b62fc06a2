import { isIP } from 'node:net';
import type {
  ExperimentalPrometheusMetricExporterConfigModel,
  PullMetricExporterConfigModel,
} from '@opentelemetry/configuration';
import type { ConfigPath, PathIssue } from '../config/config-path.js';
import { knownExporterKey } from './known-keys.js';

/** The spec's defaults (opentelemetry-configuration schema, ExperimentalPrometheusMetricExporter). */
export const DEFAULT_PROMETHEUS_HOST = 'localhost';
export const DEFAULT_PROMETHEUS_PORT = 9464;
/** The one translation this agent writes: the official serializer's (dots to underscores, `_total`, units). */
const TRANSLATION = 'underscore_escaping_with_suffixes';

const SUPPORTED = ['prometheus/development'];

export interface PrometheusSettingsResult {
  settings?: { host: string; port: number };
  errors: PathIssue[];
  warnings: PathIssue[];
}

/**
 * `pull.exporter` (exactly one key, `prometheus/development`) to the address to serve `/metrics` on. The text
 * is always the dashboard's `/metrics`: options that would change its shape are ignored with a warning.
 */
export function prometheusSettings(exporter: PullMetricExporterConfigModel, at: ConfigPath): PrometheusSettingsResult {
  const result: PrometheusSettingsResult = { errors: [], warnings: [] };
  const name = knownExporterKey(
    exporter,
    at,
    {
      known: SUPPORTED,
      kind: 'pull exporter',
      countHint: 'write prometheus/development; add a reader for each further exporter',
      unknownHint: 'a pull reader of this agent is prometheus/development (see otel-config/prometheus.yaml)',
    },
    result.errors,
  );
  if (name === undefined) return result;
  const path = [...at, name];
  const config: NonNullable<ExperimentalPrometheusMetricExporterConfigModel> = exporter['prometheus/development'] ?? {};
  const host = listenHost(config.host ?? DEFAULT_PROMETHEUS_HOST);
  if (host === undefined) {
    result.errors.push({
      path: [...path, 'host'],
      at: 'value',
      message: 'must be localhost or an IP address of this machine',
      hint: 'leave host out (localhost, i.e. 127.0.0.1): only this machine can then scrape the metrics',
    });
  }
  const port = config.port ?? DEFAULT_PROMETHEUS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    result.errors.push({
      path: [...path, 'port'],
      at: 'value',
      message: 'must be a port number from 0 to 65535',
      hint: `write e.g. ${DEFAULT_PROMETHEUS_PORT}, the Prometheus exporter's usual port`,
    });
  }
  shapeWarnings(config, path, result.warnings);
  if (host === undefined || result.errors.length > 0) return result;
  result.settings = { host, port };
  return result;
}

/**
 * The address to bind, without brackets. `localhost` is 127.0.0.1: the name may resolve to every interface's
 * address on a misconfigured machine, and loopback is the point of the default. Host names other than localhost
 * are refused; the Host allow-list answers only to the address written.
 */
function listenHost(written: string): string | undefined {
  const host = written.trim().replace(/^\[(.*)\]$/, '$1');
  if (host.toLowerCase() === 'localhost') return '127.0.0.1';
  return isIP(host) === 0 ? undefined : host;
}

/** Options that would change what the text looks like; the text is the dashboard's, so they are not applied. */
function shapeWarnings(
  config: NonNullable<ExperimentalPrometheusMetricExporterConfigModel>,
  path: ConfigPath,
  warnings: PathIssue[],
): void {
  const ignored = (key: string, why: string): void => {
    warnings.push({ path: [...path, key], at: 'value', message: `ignored: ${why}; remove the key to silence this` });
  };
  if (config.scope_info_enabled === false) {
    ignored(
      'scope_info_enabled',
      'otel_scope_name labels are always written, so series of different receivers stay apart',
    );
  }
  if (config['target_info_enabled/development'] === false) {
    ignored(
      'target_info_enabled/development',
      'target_info is always written (it carries only the resource the privacy policy builds)',
    );
  }
  const translation = config.translation_strategy;
  if (translation !== undefined && translation !== null && translation !== TRANSLATION) {
    ignored('translation_strategy', `names are always translated as ${TRANSLATION} (the default)`);
  }
}
