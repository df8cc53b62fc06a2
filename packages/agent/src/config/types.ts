import type { ErrorCode } from '../errors.js';
import type { Category, PrivacyLevel } from './levels.js';
import type { AlertsExporterConfig } from './alerts-schema.js';
import type { ProbeReceiverConfig } from './probe-schemas.js';
import type { ApplevelReceiverConfig } from './applevel-schema.js';
import type { OtlpReceiverConfig } from './otlp-schema.js';
import type { DashboardConfig } from './dashboard-schema.js';

/** One problem in a config file, with where it is and what to do about it. */
export interface ConfigIssue {
  /** Dotted config path, e.g. `telemetry.retention.health` or `service.pipelines.metrics/local.exporters[1]`; '' for the file. */
  path: string;
  /** 1-based; absent when the problem has no place in the file (e.g. it could not be read). */
  line?: number;
  column?: number;
  message: string;
  hint?: string;
  /** The file name as given by the caller. */
  source: string;
  /** Set when the issue has its own code; otherwise a failed config is PT_ERR_CONFIG_INVALID. */
  code?: ErrorCode;
}

export type ConfigResult =
  { ok: true; config: AgentConfig; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

export interface HostmetricsReceiverConfig {
  type: 'hostmetrics';
  collectionIntervalMillis: number;
  /** procfs is read at `<rootPath>/proc`, so a container can watch its host. */
  rootPath: string;
}

export interface PrivacyProcessorConfig {
  type: 'privacy';
  /** Narrows `telemetry.privacyLevel` for the pipelines that list this processor; undefined = no narrowing. */
  level: PrivacyLevel | undefined;
}

export interface FileExporterConfig {
  type: 'file';
}

export interface OtlpHttpExporterConfig {
  type: 'otlphttp';
  endpoint: string;
  headers: Record<string, string>;
  /** Sent as `Authorization: Bearer`; falls back to $PRISM_TELEMETRY_API_KEY. Never logged. */
  apiKey: string | undefined;
  encoding: 'protobuf' | 'json';
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  /** PEM file of a custom CA for the endpoint's TLS certificate. */
  caFile: string | undefined;
  /** Narrows what this exporter sends below its pipeline's level; undefined = the pipeline's level. */
  privacyLevel: PrivacyLevel | undefined;
  queue: {
    /** Queued collections sent together in one request. */
    batchRecords: number;
    flushIntervalMillis: number;
    /** Oldest queued data is dropped (and counted) beyond this. */
    maxBytes: number;
    /** Queued data older than this is dropped (and counted) instead of sent. */
    maxAgeMillis: number;
  };
  retry: { maxRetries: number; initialBackoffMillis: number; maxBackoffMillis: number };
}

export type ReceiverConfig =
  HostmetricsReceiverConfig | ProbeReceiverConfig | ApplevelReceiverConfig | OtlpReceiverConfig;
export type ProcessorConfig = PrivacyProcessorConfig;
export type ExporterConfig = FileExporterConfig | OtlpHttpExporterConfig | AlertsExporterConfig;

export interface PipelineConfig {
  /** `metrics` or `metrics/<name>`. */
  id: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/** A validated config; durations and sizes are parsed once, here, into the units their names carry. */
export interface AgentConfig {
  source: string;
  telemetry: {
    privacyLevel: PrivacyLevel;
    /** undefined: resolve the default (flag, env, XDG, ~/.local/state). */
    dataDir: string | undefined;
    retentionMillis: Record<Category, number>;
    maxTotalBytes: number;
    sharing: { enabled: boolean };
    /** The local dashboard, `/metrics` and `/healthz`. */
    dashboard: DashboardConfig;
  };
  receivers: Record<string, ReceiverConfig>;
  processors: Record<string, ProcessorConfig>;
  exporters: Record<string, ExporterConfig>;
  pipelines: PipelineConfig[];
}
