import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../store/fs-error.js';
import { dayFileName, parseDayFileName } from '../store/layout.js';
import { SEVERITIES, type AlertEvent } from './rule.js';

/** `<data-dir>/alerts/<YYYY-MM-DD>.jsonl`: one AlertEvent per line, UTC day of the event. */
export const ALERTS_DIR_NAME = 'alerts';

export function alertsDir(dataDir: string): string {
  return path.join(dataDir, ALERTS_DIR_NAME);
}

/**
 * Appends one event as one line, in one write(2) on an O_APPEND descriptor, to the day file of its `at`
 * (directory 0700, file 0600). A short write is cut back and a torn tail left by a crash is cut off first, so a
 * file only ever holds whole lines. Opening per event costs nothing at alert rates and means `delete --all`
 * needs no reopen.
 */
export async function appendAlertEvent(dataDir: string, event: AlertEvent): Promise<void> {
  const dir = alertsDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
  const handle = await open(path.join(dir, dayFileName(Date.parse(event.at))), 'a+', 0o600);
  try {
    const before = await wholeLinesSize(handle);
    let written = 0;
    try {
      written = (await handle.write(line, 0, line.length)).bytesWritten;
    } finally {
      if (written !== line.length) await handle.truncate(before).catch(() => undefined);
    }
    if (written !== line.length) throw Object.assign(new Error('short write'), { code: 'ESHORTWRITE' });
  } finally {
    await handle.close();
  }
}

/** An event line is far shorter than this; a torn tail is found within it. */
const TAIL_BYTES = 64 * 1024;

/**
 * The file's size up to its last newline, cutting off a torn last line (a crash in the middle of an append)
 * first, so the next line is not glued to it and lost with it.
 */
async function wholeLinesSize(handle: FileHandle): Promise<number> {
  const size = (await handle.stat()).size;
  if (size === 0) return 0;
  const length = Math.min(size, TAIL_BYTES);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  if (tail[length - 1] === 0x0a) return size;
  const keep = size - length + tail.lastIndexOf(0x0a) + 1;
  await handle.truncate(keep);
  return keep;
}

export interface ReadAlertEventsResult {
  events: AlertEvent[];
  /** Lines that were not an alert event (a torn tail after a power cut, a hand edit). */
  skippedLines: number;
}

export interface AlertFile {
  /** `YYYY-MM-DD.jsonl`. */
  fileName: string;
  path: string;
  /** `alerts/<file>`, safe for reports and logs. */
  relative: string;
  /** The UTC day the file holds. */
  day: string;
  startMillis: number;
  endMillis: number;
}

/** The `alerts/<YYYY-MM-DD>.jsonl` files, oldest first; a missing directory is empty. For retention too. */
export async function listAlertFiles(dataDir: string): Promise<AlertFile[]> {
  const dir = alertsDir(dataDir);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  }
  const files: AlertFile[] = [];
  for (const entry of entries) {
    const day = entry.isFile() ? parseDayFileName(entry.name) : undefined;
    if (!day) continue;
    files.push({
      fileName: entry.name,
      path: path.join(dir, entry.name),
      relative: path.posix.join(ALERTS_DIR_NAME, entry.name),
      ...day,
    });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Every event in the alerts files, oldest first; only day files that can hold events at or after `sinceMillis`. */
export async function readAlertEvents(
  dataDir: string,
  options: { sinceMillis?: number } = {},
): Promise<ReadAlertEventsResult> {
  const files = (await listAlertFiles(dataDir)).filter(
    (f) => options.sinceMillis === undefined || f.endMillis > options.sinceMillis,
  );
  const events: AlertEvent[] = [];
  let skippedLines = 0;
  for (const file of files) {
    const text = await readFile(file.path, 'utf8').catch((err: unknown) => {
      if (errorCode(err) === 'ENOENT') return ''; // removed by retention while we read
      throw err;
    });
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const event = parseAlertEvent(line);
      if (event) events.push(event);
      else skippedLines++;
    }
  }
  return { events, skippedLines };
}

/** A line as an AlertEvent, or undefined when it is not one. */
export function parseAlertEvent(line: string): AlertEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const e = data as Record<string, unknown>;
  const series = e['series'];
  const ok =
    typeof e['at'] === 'string' &&
    Number.isFinite(Date.parse(e['at'])) &&
    typeof e['alert'] === 'string' &&
    (SEVERITIES as readonly unknown[]).includes(e['severity']) &&
    ['pending', 'firing', 'resolved'].includes(e['state'] as string) &&
    typeof e['summary'] === 'string' &&
    typeof series === 'object' &&
    series !== null &&
    !Array.isArray(series) &&
    Object.values(series).every((v) => ['string', 'number', 'boolean'].includes(typeof v)) &&
    (e['value'] === null || typeof e['value'] === 'number');
  if (!ok) return undefined;
  return {
    at: e['at'] as string,
    alert: e['alert'] as string,
    severity: e['severity'] as AlertEvent['severity'],
    state: e['state'] as AlertEvent['state'],
    summary: e['summary'] as string,
    series: series as AlertEvent['series'],
    value: e['value'] as number | null,
  };
}
