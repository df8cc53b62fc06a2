import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { dataDirError } from './fs-error.js';
import { listMetricsFiles } from './metrics-files.js';

export interface TailRepair {
  /** Relative to the data directory: `metrics/health/2026-11-22.jsonl`. */
  file: string;
  bytesRemoved: number;
}

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Cuts the torn last line (a crash or full disk in the middle of an append) off every metrics file, so each file
 * is whole lines only. Only the damaged record is lost; a file without any newline becomes empty.
 */
export async function repairTornTails(dataDir: string, options: { homedir?: string } = {}): Promise<TailRepair[]> {
  let files;
  try {
    files = await listMetricsFiles(dataDir);
  } catch (err) {
    throw dataDirError(
      'list metrics files in',
      dataDir,
      err,
      'check the permissions of the data directory',
      options.homedir,
    );
  }
  const repairs: TailRepair[] = [];
  for (const file of files) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(file.path, 'r+');
      const size = (await handle.stat()).size;
      const keep = await lengthThroughLastNewline(handle, size);
      if (keep === size) continue;
      await handle.truncate(keep);
      await handle.datasync();
      repairs.push({ file: file.relative, bytesRemoved: size - keep });
    } catch (err) {
      throw dataDirError(
        'repair',
        file.path,
        err,
        'check the permissions of the file, or move it aside',
        options.homedir,
      );
    } finally {
      await handle?.close();
    }
  }
  return repairs;
}

/** Bytes up to and including the last `\n`; reads backwards from the end a chunk at a time, usually one byte. */
async function lengthThroughLastNewline(handle: FileHandle, size: number): Promise<number> {
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return size;
  const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, size));
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const index = chunk.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (index >= 0) return start + index + 1;
    end = start;
  }
  return 0;
}
