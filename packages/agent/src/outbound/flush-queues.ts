import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadOrCreateInstallSecret } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import type { AgentConfig } from '../config/types.js';
import type { FlushReport } from '../exporters/otlphttp/send-loop.js';
import { effectiveMode } from '../state/effective-mode.js';
import { StateWatcher } from '../state/state-watcher.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { acquireDataDirLock } from '../store/lock.js';
import { clusterIdFor } from './cluster-id.js';
import { destinationOf, recordOutboundAttempt } from './outbound-log.js';

/** `<data-dir>/flush.json`: what the last `flush` (SIGUSR2 to a running agent) did. */
export const FLUSH_RESULT_FILE = 'flush.json';

export interface FlushResult {
  /** The agent that answered. */
  pid: number;
  /** When the agent received the request (ISO). */
  requestedAt: string;
  finishedAt: string;
  exporters: Array<{ id: string; report: FlushReport }>;
  /** Set when the flush could not run (e.g. the pipelines were being rebuilt): a fixed code. */
  error?: string;
}

export async function writeFlushResult(dataDir: string, result: FlushResult): Promise<void> {
  await writeFileAtomic(path.join(dataDir, FLUSH_RESULT_FILE), JSON.stringify(result) + '\n');
}

export async function readFlushResult(dataDir: string): Promise<FlushResult | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dataDir, FLUSH_RESULT_FILE), 'utf8')) as FlushResult;
    return typeof parsed.finishedAt === 'string' && typeof parsed.pid === 'number' && Array.isArray(parsed.exporters)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends what the sharing queues hold when no agent runs: takes the data directory's lock (so no agent starts
 * meanwhile), opens each `otlphttp` exporter's queue, sends under the same consent gate as the agent, and
 * closes. Nothing is sent without consent for that exporter's endpoint.
 */
export async function flushQueuesWithoutAgent(options: {
  config: AgentConfig;
  dataDir: string;
  homedir: string;
  env: Record<string, string | undefined>;
  clock: Clock;
  logger: Logger;
}): Promise<Array<{ id: string; report: FlushReport; blockedBy?: string }>> {
  const { config, dataDir, env, clock, logger } = options;
  const sharing = Object.entries(config.exporters).filter(([, e]) => e.type === 'otlphttp');
  if (sharing.length === 0) return [];
  const lock = await acquireDataDirLock(dataDir, { homedir: options.homedir });
  try {
    // The consent is read again before every request (a `disable` from another terminal while this runs must
    // stop it at once), as the agent does.
    const watcher = new StateWatcher({ dataDir, clock, logger, onChange: () => undefined });
    await watcher.check();
    const { secret } = await loadOrCreateInstallSecret({ dir: dataDir });
    const results: Array<{ id: string; report: FlushReport; blockedBy?: string }> = [];
    for (const [id, exporterConfig] of sharing) {
      if (exporterConfig.type !== 'otlphttp') continue;
      const destination = destinationOf(exporterConfig.endpoint);
      const blockedBy = (): string | undefined => {
        if (!watcher.isCurrent()) return 'state.json changed while sending';
        const state = watcher.state;
        const mode = state ? effectiveMode(state, env) : undefined;
        if (!state || !mode?.sharingAllowed) return mode?.reason ?? 'mode not read';
        return state.consent?.endpoint === destination ? undefined : 'no consent for this endpoint';
      };
      const { openOtlpHttpExporter } = await import('../exporters/otlphttp/create-otlphttp-exporter.js');
      const exporter = await openOtlpHttpExporter(id, exporterConfig, {
        dataDir,
        clusterId: clusterIdFor(secret),
        gate: () => {
          const reason = blockedBy();
          return { allowed: reason === undefined, reason: reason ?? 'consented' };
        },
        recordAttempt: (attempt) => recordOutboundAttempt(dataDir, attempt),
        env,
        clock,
        logger,
      });
      try {
        const report = await exporter.flush();
        const reason = blockedBy();
        results.push({ id, report, ...(reason ? { blockedBy: reason } : {}) });
      } finally {
        await exporter.shutdown();
      }
    }
    return results;
  } finally {
    await lock.release();
  }
}
