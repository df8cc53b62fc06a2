import path from 'node:path';
import type { Logger } from '../../component/logger.js';
import { nodeQueueFs, type QueueFs } from './queue/queue-fs.js';
import { HEADER_BYTES } from './queue/record-codec.js';
import { recoverQueue } from './queue/recover-queue.js';
import { parseQueueStats, STATS_FILE, zeroCounts, type QueueStats } from './queue/stats-file.js';

export type { DropReason, QueueCounts, QueueStats } from './queue/stats-file.js';
export { DROP_REASONS, STATS_FILE } from './queue/stats-file.js';

export interface QueueDepth {
  depthRecords: number;
  depthBytes: number;
  oldestEnqueuedAt: string | null;
}

const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Depth of the queue in `dir` computed from its files, read-only (safe while an agent owns the queue): for
 * when there is no stats file yet. Reads frame headers only.
 */
export async function computeQueueDepth(dir: string, fs: QueueFs = nodeQueueFs): Promise<QueueDepth> {
  const { entries } = await recoverQueue({ dir, fs, logger: silentLogger, repair: false, now: () => Date.now() });
  let depthBytes = 0;
  for (const e of entries) depthBytes += HEADER_BYTES + e.length;
  const oldest = entries[0];
  return {
    depthRecords: entries.length,
    depthBytes,
    oldestEnqueuedAt: oldest ? new Date(oldest.enqueuedAt).toISOString() : null,
  };
}

/**
 * The queue's stats for `status` and the dashboard: `<dir>/stats.json` as the agent last wrote it (at most
 * about a second old while it runs), or, when there is none, the depth computed from the files with zero
 * counts. Undefined when the directory holds no queue at all.
 */
export async function readQueueStats(dir: string, fs: QueueFs = nodeQueueFs): Promise<QueueStats | undefined> {
  const content = await fs.readFile(path.join(dir, STATS_FILE)).catch(() => undefined);
  const parsed = content ? parseQueueStats(content.toString('utf8')) : undefined;
  if (parsed) return parsed;
  if ((await fs.readdir(dir).catch(() => [])).length === 0) return undefined;
  return {
    ...(await computeQueueDepth(dir, fs)),
    lastSuccessAt: null,
    lastError: null,
    diskFull: false,
    counts: zeroCounts(),
    updatedAt: new Date().toISOString(),
  };
}
