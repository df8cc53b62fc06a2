import type { AggregationTemporality, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ConfigIssue } from '../config/types.js';

/** The exporter kinds an OpenTelemetry declarative config file may name (see otel-config/README.md). */
export type OtelExporterKind = 'otlp_http' | 'console' | 'file';

/** `periodic.exporter.otlp_http`, with the spec's defaults filled in. */
export interface OtlpHttpSettings {
  kind: 'otlp_http';
  /** The full URL, `/v1/metrics` included. Only `destinationOf(endpoint)` is ever printed. */
  endpoint: string;
  /** Never printed: values are often tokens. */
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  /** The spec's default is protobuf. */
  encoding: 'protobuf' | 'json';
  /** 127.0.0.0/8, [::1] or localhost: the data stays on this machine, so no consent gate is needed. */
  loopback: boolean;
}

/** `console` (`text`, as the SDK's ConsoleMetricExporter prints) or `otlp_file/development` to stdout (`otlp-json`). */
export interface ConsoleSettings {
  kind: 'console';
  format: 'text' | 'otlp-json';
}

/** `otlp_file/development` to a file: the agent's metric store in the data directory. */
export interface FileSettings {
  kind: 'file';
  /** Absolute path from `output_stream: file://...`; it must be the data directory. Absent: the data directory. */
  outputPath?: string;
}

export type OtelExporterSettings = OtlpHttpSettings | ConsoleSettings | FileSettings;

/** One `meter_provider.readers[i].periodic` entry, as plain data: nothing is built or opened yet. */
export interface OtelReaderSettings {
  /** Where it is in the file, e.g. `meter_provider.readers[0]`; messages about this reader name it. */
  path: string;
  intervalMillis: number;
  /** Never above `intervalMillis` (the SDK's reader requires that). */
  timeoutMillis: number;
  temporality: 'cumulative' | 'delta';
  exporter: OtelExporterSettings;
}

/**
 * One `meter_provider.readers[i].pull.exporter["prometheus/development"]`: the agent serves `GET /metrics`
 * (the same privacy-filtered text as the dashboard's `/metrics`) on this address, without a token.
 */
export interface OtelPrometheusSettings {
  /** Where it is in the file, e.g. `meter_provider.readers[1]`; messages about this reader name it. */
  path: string;
  /** Bound as written, without brackets; `localhost` (the spec's default) is 127.0.0.1, never every interface. */
  host: string;
  /** The spec's default is 9464; 0 binds any free port. */
  port: number;
}

export interface OtelConfig {
  /** The file name as given by the caller. */
  source: string;
  /** The periodic (push) readers: one pipeline each. */
  readers: OtelReaderSettings[];
  /** The pull readers: one local Prometheus endpoint each, started by the agent next to its dashboard. */
  prometheus: OtelPrometheusSettings[];
}

/** Like `ConfigResult`: issues print with `formatConfigIssues`; every error has code PT_ERR_OTEL_CONFIG. */
export type OtelConfigResult =
  { ok: true; config: OtelConfig; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

/** A reader with its exporter built; the agent runs one pipeline per reader. */
export interface OtelReader {
  /** Pipeline id, `otel/<index>`. */
  id: string;
  kind: OtelExporterKind;
  intervalMillis: number;
  timeoutMillis: number;
  temporality: AggregationTemporality;
  exporter: PushMetricExporter;
  /** Where the data goes, fit for output: `stdout`, the metric directory (displayPath) or `destinationOf(url)`. */
  destination: string;
  /** True for otlp_http to a host other than loopback: the exporter must sit behind the consent gate. */
  sharing: boolean;
}
