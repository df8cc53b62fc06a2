import { fileURLToPath } from 'node:url';
import {
  mergeHeadersConfig,
  type ConsoleMetricExporterConfigModel,
  type OtlpHttpMetricExporterConfigModel,
  type PushMetricExporterConfigModel,
} from '@opentelemetry/configuration';
import type { ConfigPath, PathIssue } from '../config/config-path.js';
import { isLoopbackUrl } from '../alerts/loopback.js';
import { knownExporterKey } from './known-keys.js';
import type { OtelExporterSettings, OtlpHttpSettings } from './types.js';

type OtlpFileConfigModel = PushMetricExporterConfigModel['otlp_file/development'];

/** The spec's defaults (opentelemetry-configuration schema, OtlpHttpMetricExporter). */
export const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318/v1/metrics';
const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

const SUPPORTED = ['otlp_http', 'console', 'otlp_file/development'];
const NOT_YET: Record<string, string> = {
  otlp_grpc: 'OTLP over gRPC is not supported; use otlp_http (port 4318) instead',
  'prometheus/development':
    'Prometheus scrapes, it is not pushed to: write it as a pull reader (see otel-config/prometheus.yaml)',
};

export interface ExporterSettingsResult {
  settings?: OtelExporterSettings;
  /** From `temporality_preference`; the reader uses it. */
  temporality: 'cumulative' | 'delta';
  errors: PathIssue[];
  warnings: PathIssue[];
}

/** `periodic.exporter` (exactly one key) to settings; `readerTimeoutMillis` stands in for an unlimited timeout. */
export function exporterSettings(
  exporter: PushMetricExporterConfigModel,
  at: ConfigPath,
  readerTimeoutMillis: number,
): ExporterSettingsResult {
  const result: ExporterSettingsResult = { temporality: 'cumulative', errors: [], warnings: [] };
  const name = knownExporterKey(
    exporter,
    at,
    {
      known: SUPPORTED,
      kind: 'exporter',
      refused: NOT_YET,
      countHint: 'write one of otlp_http, console or otlp_file/development; add a reader for each further exporter',
      unknownHint:
        'a periodic reader of this agent has otlp_http, console or otlp_file/development; a pull reader ' +
        'prometheus/development (see otel-config/README.md)',
    },
    result.errors,
  );
  if (name === undefined) return result;
  const path = [...at, name];
  const config = (exporter[name] ?? {}) as ConsoleMetricExporterConfigModel & object;
  result.temporality = temporality(config.temporality_preference, path, result.warnings);
  if (name === 'console') result.settings = { kind: 'console', format: 'text' };
  else if (name === 'otlp_http') {
    result.settings = otlpHttp(exporter.otlp_http ?? {}, path, readerTimeoutMillis, result.errors);
  } else result.settings = otlpFile(exporter['otlp_file/development'] ?? {}, path, result.errors);
  return result;
}

function temporality(
  preference: string | null | undefined,
  path: ConfigPath,
  warnings: PathIssue[],
): 'cumulative' | 'delta' {
  if (preference === 'delta') return 'delta';
  if (preference === 'low_memory') {
    warnings.push({
      path: [...path, 'temporality_preference'],
      at: 'value',
      message: 'low_memory is not supported; cumulative is used',
      hint: 'write cumulative or delta',
    });
  }
  return 'cumulative';
}

function otlpHttp(
  config: NonNullable<OtlpHttpMetricExporterConfigModel>,
  path: ConfigPath,
  readerTimeoutMillis: number,
  errors: PathIssue[],
): OtlpHttpSettings | undefined {
  const before = errors.length;
  const endpoint = config.endpoint ?? DEFAULT_OTLP_HTTP_ENDPOINT;
  const endpointError = checkEndpoint(endpoint);
  if (endpointError) errors.push({ path: [...path, 'endpoint'], at: 'value', ...endpointError });
  const compression = config.compression ?? 'none';
  if (!isCompression(compression)) {
    errors.push({
      path: [...path, 'compression'],
      at: 'value',
      message: `unsupported compression ${JSON.stringify(compression)}`,
      hint: 'write gzip or none',
    });
  }
  if (config.tls) {
    errors.push({
      path: [...path, 'tls'],
      at: 'key',
      message: 'custom TLS certificates are not supported yet',
      hint: 'remove tls: https endpoints are checked against the system certificate store',
    });
  }
  if (errors.length > before || !isCompression(compression)) return undefined;
  const timeout = config.timeout ?? DEFAULT_OTLP_TIMEOUT_MILLIS;
  return {
    kind: 'otlp_http',
    endpoint,
    headers: mergeHeadersConfig(config.headers, config.headers_list) ?? {},
    timeoutMillis: timeout === 0 ? readerTimeoutMillis : Math.min(timeout, readerTimeoutMillis),
    compression,
    encoding: config.encoding ?? 'protobuf',
    loopback: isLoopbackUrl(endpoint),
  };
}

const isCompression = (value: string): value is 'gzip' | 'none' => value === 'gzip' || value === 'none';

/** Messages never repeat the URL: it may carry a password or a token. */
function checkEndpoint(endpoint: string): { message: string; hint: string } | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { message: 'is not a URL', hint: `write e.g. ${DEFAULT_OTLP_HTTP_ENDPOINT}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { message: 'must be an http or https URL', hint: `write e.g. ${DEFAULT_OTLP_HTTP_ENDPOINT}` };
  }
  if (url.username !== '' || url.password !== '') {
    return { message: 'must not contain credentials', hint: 'send credentials in headers, e.g. Authorization' };
  }
  return undefined;
}

function otlpFile(
  config: NonNullable<OtlpFileConfigModel>,
  path: ConfigPath,
  errors: PathIssue[],
): OtelExporterSettings | undefined {
  const stream = config.output_stream;
  // The spec's default is stdout; here the file exporter is the agent's metric store, so stdout must be asked for.
  if (stream === undefined || stream === null) return { kind: 'file' };
  if (stream === 'stdout') return { kind: 'console', format: 'otlp-json' };
  if (stream.startsWith('file:')) {
    try {
      return { kind: 'file', outputPath: fileURLToPath(stream) };
    } catch {
      // reported below
    }
  }
  errors.push({
    path: [...path, 'output_stream'],
    at: 'value',
    message: 'must be stdout or a file:// URL of the data directory',
    hint: 'leave output_stream out to write to the data directory (metrics/<category>/<day>.jsonl)',
  });
  return undefined;
}
