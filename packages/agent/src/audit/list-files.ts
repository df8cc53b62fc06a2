import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../store/fs-error.js';

/**
 * Regular files under `dir`, recursively, as sorted `/`-separated paths relative to `base`. Symbolic links
 * are not followed: the audit reads what the agent wrote, not whatever a link points at.
 */
export async function listFilesRecursive(
  base: string,
  dir: string,
  accept: (name: string) => boolean,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && accept(entry.name)) out.push(path.relative(base, full).split(path.sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}
