import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { PrivacyLevel } from '@prism-telemetry/privacy';
import type { SystemStatus } from '../alerts/status.js';
import type { Clock } from '../component/clock.js';
import type { AgentConfig } from '../config/types.js';
import type { QueueStats } from '../exporters/otlphttp/queue-stats.js';
import type { DataDirSource } from '../store/data-dir.js';
import type { EffectiveMode } from '../state/types.js';

/**
 * What the dashboard server needs from the running agent. Everything else (state, consent, files) it reads
 * and writes through the same modules the CLI commands use.
 */
export interface DashboardBackend {
  readonly config: AgentConfig;
  readonly dataDir: string;
  readonly dataDirSource: DataDirSource | 'config';
  readonly homedir: string;
  readonly env: Record<string, string | undefined>;
  readonly clock: Clock;
  readonly startedAtMillis: number;
  /** The mode in force in the agent (state.json plus environment overrides). */
  mode(): EffectiveMode;
  /** From the alerts exporters; undefined when no pipeline has one. */
  systemStatus(): SystemStatus | undefined;
  /** The metrics now, after the privacy policy at the configured level; undefined in mode off. */
  scrape(): Promise<ResourceMetrics | undefined>;
  /** Makes the agent apply state.json now, after the dashboard changed it; resolves once applied. */
  applyStateNow(): Promise<void>;
  /** Every sharing (`otlphttp`) exporter the agent runs, in config order: `sharing.exporters` of /api/overview. */
  sharingQueues(): SharingQueue[];
}

/** One sharing exporter and its durable outbound queue, as the running agent holds them. */
export interface SharingQueue {
  readonly id: string;
  /** Origin and path it sends to, as a consent receipt names an endpoint. */
  readonly destination: string;
  /** The exporter's own `privacy_level`: it narrows the consented level; undefined when it has none. */
  readonly levelCap: PrivacyLevel | undefined;
  readonly stats: QueueStats;
}
