import type { Dirent } from 'node:fs';
import { lstat, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../store/fs-error.js';

export interface Removed {
  files: number;
  bytes: number;
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Files (symbolic links included, never followed) and bytes under `dir`; a missing directory is empty. */
export async function measureContents(dir: string): Promise<Removed> {
  const total: Removed = { files: 0, bytes: 0 };
  for (const entry of await entriesOf(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await measureContents(full);
      total.files += inner.files;
      total.bytes += inner.bytes;
      continue;
    }
    total.files++;
    if (entry.isFile())
      total.bytes += await lstat(full).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

/**
 * Removes everything inside `dir` (the directory itself stays: a running agent recreates files in it) and
 * says how many files and bytes went. Links are removed, never followed.
 */
export async function removeContents(dir: string): Promise<Removed> {
  const removed = await measureContents(dir);
  const entries = await entriesOf(dir);
  for (const entry of entries) await rm(path.join(dir, entry.name), { recursive: true, force: true });
  if (entries.length > 0) {
    // The removals are durable only once the directory's own entries reach the disk.
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return removed;
}
