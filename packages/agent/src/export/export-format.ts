import {
  buildManifest,
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  type Category,
  type Manifest,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { AgentConfig } from '../config/types.js';
import type { ConsentEvent } from '../state/types.js';

/** Documented in docs/EXPORT.md; JSON Schema in schemas/export.schema.json. */
export const EXPORT_FORMAT = 'prism-telemetry-export';
export const EXPORT_FORMAT_VERSION = 1;

export type ExportFileFormat = 'json' | 'jsonl';

const DAY_MILLIS = 86_400_000;

/** Everything in an export except the metric records: the whole document in `json`, line 1 in `jsonl`. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  /** ISO 8601. */
  exportedAt: string;
  agentVersion: string;
  /** The data directory as printed (home directory shown as `~`). */
  dataDir: string;
  /** What each level collects, so the data can be read against the rules it was collected under. */
  manifests: Record<PrivacyLevel, Manifest>;
  config: { privacyLevel: PrivacyLevel; retentionDays: Record<Category, number> };
  consentHistory: ConsentEvent[];
}

/** One stored line: where it was and the OTLP ExportMetricsServiceRequest it holds. */
export interface ExportMetricRecord {
  category: Category;
  /** `metrics/<category>/<YYYY-MM-DD>.jsonl`, relative to the data directory. */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  request: Record<string, unknown>;
}

export interface ExportDocument extends ExportHeader {
  metrics: ExportMetricRecord[];
}

export interface ExportHeaderInput {
  config: AgentConfig;
  dataDirDisplay: string;
  agentVersion: string;
  consentHistory: ConsentEvent[];
  now: Date;
}

export function buildExportHeader(input: ExportHeaderInput): ExportHeader {
  const manifests = Object.fromEntries(PRIVACY_LEVELS.map((level) => [level, buildManifest(DEFAULT_POLICY, level)]));
  const { retentionMillis, privacyLevel } = input.config.telemetry;
  const retentionDays = Object.fromEntries(
    Object.entries(retentionMillis).map(([category, millis]) => [category, millis / DAY_MILLIS]),
  );
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: input.now.toISOString(),
    agentVersion: input.agentVersion,
    dataDir: input.dataDirDisplay,
    manifests: manifests as Record<PrivacyLevel, Manifest>,
    config: { privacyLevel, retentionDays: retentionDays as Record<Category, number> },
    consentHistory: input.consentHistory,
  };
}
