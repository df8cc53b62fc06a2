import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadOrCreateInstallSecret } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import type { AgentConfig } from '../config/types.js';
import { openOtlpHttpExporter } from '../exporters/otlphttp/create-otlphttp-exporter.js';
import type { FlushReport } from '../exporters/otlphttp/send-loop.js';
import { effectiveMode } from '../state/effective-mode.js';
import { readState } from '../state/telemetry-state.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { acquireDataDirLock } from '../store/lock.js';
import { clusterIdFor } from './cluster-id.js';
import { destinationOf, recordOutboundAttempt } from './outbound-log.js';

/** `<data-dir>/flush.json`: what the last `flush` (SIGUSR2 to a running agent) did. */
export const FLUSH_RESULT_FILE = 'flush.json';

export interface FlushResult {
  /** When the agent received the request (ISO). */
  requestedAt: string;
  finishedAt: string;
  exporters: Array<{ id: string; report: FlushReport }>;
}

export async function writeFlushResult(dataDir: string, result: FlushResult): Promise<void> {
  await writeFileAtomic(path.join(dataDir, FLUSH_RESULT_FILE), JSON.stringify(result) + '\n');
}

export async function readFlushResult(dataDir: string): Promise<FlushResult | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dataDir, FLUSH_RESULT_FILE), 'utf8')) as FlushResult;
    return typeof parsed.finishedAt === 'string' && Array.isArray(parsed.exporters) ? parsed : undefined;
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
    const { state } = await readState(dataDir);
    const mode = effectiveMode(state, env);
    const { secret } = await loadOrCreateInstallSecret({ dir: dataDir });
    const results: Array<{ id: string; report: FlushReport; blockedBy?: string }> = [];
    for (const [id, exporterConfig] of sharing) {
      if (exporterConfig.type !== 'otlphttp') continue;
      const destination = destinationOf(exporterConfig.endpoint);
      const blockedBy = !mode.sharingAllowed
        ? mode.reason
        : state.consent?.endpoint !== destination
          ? 'no consent for this endpoint'
          : undefined;
      const exporter = await openOtlpHttpExporter(id, exporterConfig, {
        dataDir,
        clusterId: clusterIdFor(secret),
        gate: () => ({ allowed: blockedBy === undefined, reason: blockedBy ?? 'consented' }),
        recordAttempt: (attempt) => recordOutboundAttempt(dataDir, attempt),
        env,
        clock,
        logger,
      });
      try {
        const report = await exporter.flush();
        results.push({ id, report, ...(blockedBy ? { blockedBy } : {}) });
      } finally {
        await exporter.shutdown();
      }
    }
    return results;
  } finally {
    await lock.release();
  }
}
