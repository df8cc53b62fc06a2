import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SystemStatus } from '../alerts/status.js';
import type { Clock } from '../component/clock.js';
import type { AgentConfig } from '../config/types.js';
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
  /** The sharing exporter's outbound queue, when there is one (see the `sharing.queue` field of /api/overview). */
  sharingQueue?(): unknown;
}
