import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from './fs-error.js';
import { metricsDir, relativeMetricsFile } from './layout.js';

export interface MetricsFile {
  /** Name of the directory under `metrics/`; a category for files the agent wrote. */
  dirName: string;
  fileName: string;
  path: string;
  /** `metrics/<dir>/<file>`, safe for reports and logs. */
  relative: string;
}

/** Every regular `metrics/*\/*.jsonl` file; a missing `metrics/` is simply empty. Symlinks are not followed. */
export async function listMetricsFiles(dataDir: string): Promise<MetricsFile[]> {
  const root = metricsDir(dataDir);
  const dirs = await readdirOrEmpty(root);
  const files: MetricsFile[] = [];
  for (const dir of dirs.filter((d) => d.isDirectory())) {
    const entries = await readdirOrEmpty(path.join(root, dir.name));
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
      files.push({
        dirName: dir.name,
        fileName: entry.name,
        path: path.join(root, dir.name, entry.name),
        relative: relativeMetricsFile(dir.name, entry.name),
      });
    }
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // Removed between listing and reading (retention racing a manual cleanup) is not an error.
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  }
}
