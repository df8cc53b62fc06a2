import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const QUEUE_DIR_NAME = 'queue';

export function queueDir(dataDir: string): string {
  return path.join(dataDir, QUEUE_DIR_NAME);
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
 * The directory itself stays (a running agent may hold it open); a missing queue is simply empty.
 */
export async function purgeOutboundQueue(dataDir: string): Promise<{ removedFiles: number }> {
  const dir = queueDir(dataDir);
  const entries = await entriesOf(dir);
  let removedFiles = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    removedFiles += entry.isDirectory() ? await countFiles(full) : 1;
    await fs.rm(full, { recursive: true, force: true });
  }
  if (entries.length > 0) {
    // The removals are durable only once the directory entry changes reach the disk.
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { removedFiles };
}
