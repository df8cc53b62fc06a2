import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { computeQueueDepth } from '../exporters/otlphttp/queue-stats.js';
import { nodeQueueFs } from '../exporters/otlphttp/queue/queue-fs.js';
import { parseQueueStats, STATS_FILE, type QueueStats } from '../exporters/otlphttp/queue/stats-file.js';

export const QUEUE_DIR_NAME = 'queue';

export function queueDir(dataDir: string): string {
  return path.join(dataDir, QUEUE_DIR_NAME);
}

/** `<data-dir>/queue/<exporter id>`, with the `/` of `otlphttp/name` made safe for a file name. */
export function exporterQueueDir(dataDir: string, exporterId: string): string {
  return path.join(queueDir(dataDir), exporterId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Counts what `fs.rm` is about to remove; symlinks count as files and are not followed. */
async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await entriesOf(dir)) {
    count += entry.isDirectory() ? await countFiles(path.join(dir, entry.name)) : 1;
  }
  return count;
}

/**
 * Empties `<data-dir>/queue/`: data waiting to be sent must not outlive the consent it was queued under.
 * The directory itself stays (a running agent may hold it open); a missing queue is simply empty. An exporter
 * queue's `stats.json` (counters, never data) is kept, rewritten with depth 0 and the records removed added to
 * `dropped.revoked`, so the history `status` shows survives a purge made with no agent running (a running
 * agent purges its own queue too and rewrites the file from its own counts).
 */
export async function purgeOutboundQueue(
  dataDir: string,
  options: { now?: () => number } = {},
): Promise<{ removedFiles: number }> {
  const now = options.now ?? Date.now;
  const dir = queueDir(dataDir);
  const entries = await entriesOf(dir);
  let removedFiles = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && (await readStats(full))) {
      removedFiles += await purgeExporterQueue(full, now);
      continue;
    }
    removedFiles += entry.isDirectory() ? await countFiles(full) : 1;
    await fs.rm(full, { recursive: true, force: true });
  }
  if (entries.length > 0) await syncDir(dir);
  return { removedFiles };
}

async function readStats(dir: string): Promise<QueueStats | undefined> {
  const content = await fs.readFile(path.join(dir, STATS_FILE), 'utf8').catch(() => undefined);
  return content === undefined ? undefined : parseQueueStats(content);
}

/** Empties one exporter's queue directory but for its stats file, which it rewrites; returns files removed. */
async function purgeExporterQueue(dir: string, now: () => number): Promise<number> {
  // Counted before anything goes; a queue that cannot be read counts what its stats last said.
  const before = await readStats(dir);
  const depth = await computeQueueDepth(dir).catch(() => undefined);
  const removedRecords = depth?.depthRecords ?? before?.depthRecords ?? 0;
  let removedFiles = 0;
  for (const entry of await entriesOf(dir)) {
    if (entry.name === STATS_FILE) continue;
    const full = path.join(dir, entry.name);
    removedFiles += entry.isDirectory() ? await countFiles(full) : 1;
    await fs.rm(full, { recursive: true, force: true });
  }
  const file = path.join(dir, STATS_FILE);
  if (before) {
    const stats: QueueStats = {
      ...before,
      depthRecords: 0,
      depthBytes: 0,
      oldestEnqueuedAt: null,
      counts: {
        ...before.counts,
        dropped: { ...before.counts.dropped, revoked: before.counts.dropped.revoked + removedRecords },
      },
      updatedAt: new Date(now()).toISOString(),
    };
    try {
      await nodeQueueFs.writeFileAtomic(file, `${JSON.stringify(stats)}\n`);
    } catch {
      // A stats file that still shows the removed records would be wrong: the history goes instead.
      await fs.rm(file, { force: true });
      removedFiles++;
    }
  }
  await syncDir(dir);
  return removedFiles;
}

/** The removals are durable only once the directory entry changes reach the disk. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
