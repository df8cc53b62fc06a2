import path from 'node:path';
import type { Logger } from '../../../component/logger.js';
import { errorCode } from '../../../store/fs-error.js';
import { CURSOR_FILE, decodeCursor, type Cursor } from './cursor.js';
import type { QueueEntry, QueueSegment } from './entry-deque.js';
import type { QueueFs } from './queue-fs.js';
import { HEADER_BYTES, payloadIntact } from './record-codec.js';
import { readFully, scanSegment, segmentFirstSeq, segmentName } from './segment-scan.js';
import { SeqRanges } from './seq-ranges.js';
import type { QueueCounts } from './stats-file.js';

export const CORRUPT_DIR = 'corrupt';

export interface RecoveredQueue {
  /** Segments that still hold queued records, oldest first; their read descriptors are open when repairing. */
  segments: QueueSegment[];
  /** Queued records in sequence order. */
  entries: QueueEntry[];
  nextSeq: number;
  consumed: SeqRanges;
  uncertain: SeqRanges;
  /** Damaged records and unreadable segments found (and, when repairing, removed). */
  corrupt: number;
  cursorCorrupt: boolean;
  /** Counters saved with the cursor. */
  counts: QueueCounts | undefined;
}

export interface RecoverOptions {
  dir: string;
  fs: QueueFs;
  logger: Logger;
  /**
   * Truncate torn tails, move damaged records' successors to a fresh segment, move unreadable segments into
   * `corrupt/`, delete consumed segments. False reads only (for `status` while an agent owns the queue).
   */
  repair: boolean;
  now: () => number;
}

/**
 * Rebuilds the queue's index from its directory. Never throws on a bad file: a damaged record is skipped and
 * counted, a segment with no readable record is moved aside, a damaged cursor means everything on disk is sent
 * again (counted as possible duplicates), never that anything is lost.
 */
export async function recoverQueue(options: RecoverOptions): Promise<RecoveredQueue> {
  const { dir, fs, logger, repair } = options;
  let cursorContent: Buffer | undefined;
  let cursorReadFailed = false;
  try {
    cursorContent = await fs.readFile(path.join(dir, CURSOR_FILE));
  } catch (error) {
    cursorReadFailed = true;
    logger.warn('otlphttp queue: cannot read the cursor file', { error: errorCode(error) });
  }
  const decoded = cursorReadFailed ? 'corrupt' : decodeCursor(cursorContent);
  const cursorCorrupt = decoded === 'corrupt';
  const cursor: Cursor =
    typeof decoded === 'object' ? decoded : { head: 0, next: 0, consumed: new SeqRanges(), uncertain: new SeqRanges() };
  if (cursorCorrupt) {
    logger.warn('otlphttp queue: the cursor file is damaged; queued records are sent again, counted as duplicates');
    if (repair && !cursorReadFailed) await moveAside(options, CURSOR_FILE);
  }

  const names = await fs.readdir(dir);
  if (repair) {
    for (const name of names) if (name.startsWith('.') && name.endsWith('.tmp')) await unlinkQuietly(options, name);
  }
  const pending = names
    .map(segmentFirstSeq)
    .filter((seq): seq is number => seq !== undefined)
    .sort((a, b) => a - b);

  const segments: QueueSegment[] = [];
  const entries: QueueEntry[] = [];
  let corrupt = 0;
  let lastSeq = -1;

  while (pending.length > 0) {
    const firstSeq = pending.shift()!;
    const name = segmentName(firstSeq);
    const file = path.join(dir, name);
    const following = pending[0];
    if (following !== undefined && following - 1 < cursor.head && !cursorCorrupt) {
      if (repair) await unlinkQuietly(options, name);
      continue;
    }
    let fd: number;
    try {
      fd = repair ? await fs.openReadWrite(file) : await fs.openRead(file);
    } catch (error) {
      logger.warn('otlphttp queue: cannot open a segment', { segment: name, error: errorCode(error) });
      if (errorCode(error) !== 'ENOENT') corrupt++;
      continue;
    }
    const segment: QueueSegment = { firstSeq, file, live: 0, readFd: fd };
    let keep = false;
    try {
      const scan = await scanSegment(fs, fd, segment);
      let records: QueueEntry[] = scan.records;
      if (scan.size > 0 && records.length === 0) {
        corrupt++;
        logger.warn('otlphttp queue: a segment holds no readable record; moved aside', { segment: name });
        await closeQuietly(fs, segment);
        if (repair) await moveAside(options, name);
        continue;
      }
      if (scan.damaged.length > 0) {
        corrupt += scan.damaged.length;
        const firstDamage = scan.damaged[0]!.start;
        const after = records.filter((r) => r.offset > firstDamage);
        records = records.filter((r) => r.offset < firstDamage);
        logger.warn('otlphttp queue: damaged records skipped', { segment: name, records: scan.damaged.length });
        if (repair) {
          if (after.length > 0) {
            const copy = await copyRecords(options, fd, after);
            corrupt += copy.badPayloads;
            // A copy left by an interrupted earlier repair has the same name and content: it is replaced.
            if (pending[0] === copy.firstSeq) pending.shift();
            if (copy.firstSeq !== undefined) pending.unshift(copy.firstSeq);
          }
          await fs.truncate(fd, firstDamage);
          await fs.datasync(fd);
        } else {
          records = records.concat(after);
        }
      }
      for (const r of records) {
        // Records seen already come from an interrupted repair's copy.
        if (r.seq <= lastSeq) continue;
        lastSeq = r.seq;
        if (!cursorCorrupt && (r.seq < cursor.head || cursor.consumed.has(r.seq))) continue;
        entries.push(r);
        segment.live++;
      }
      keep = segment.live > 0;
    } catch (error) {
      corrupt++;
      logger.warn('otlphttp queue: cannot read a segment; moved aside', { segment: name, error: errorCode(error) });
      if (repair) {
        await closeQuietly(fs, segment);
        await moveAside(options, name);
      }
      continue;
    }
    if (keep) {
      segments.push(segment);
      if (!repair) await closeQuietly(fs, segment);
    } else {
      await closeQuietly(fs, segment);
      if (repair) await unlinkQuietly(options, name);
    }
  }

  const nextSeq = Math.max(lastSeq + 1, cursor.head, cursor.next, 1);
  const uncertain = cursorCorrupt ? new SeqRanges() : cursor.uncertain;
  if (cursorCorrupt && entries.length > 0) uncertain.addRange(entries[0]!.seq, entries[entries.length - 1]!.seq);
  return {
    segments,
    entries,
    nextSeq,
    consumed: cursorCorrupt ? new SeqRanges() : cursor.consumed,
    uncertain,
    corrupt,
    cursorCorrupt,
    counts: cursor.counts,
  };
}

/** Copies the intact records of a damaged segment after its first damage into a new segment, durably. */
async function copyRecords(
  options: RecoverOptions,
  sourceFd: number,
  records: QueueEntry[],
): Promise<{ firstSeq: number | undefined; badPayloads: number }> {
  const { fs, dir } = options;
  const firstSeq = records[0]!.seq;
  const file = path.join(dir, segmentName(firstSeq));
  const fd = await fs.create(file);
  let position = 0;
  let badPayloads = 0;
  try {
    for (const r of records) {
      const frame = Buffer.allocUnsafe(HEADER_BYTES + r.length);
      const n = await readFully(fs, sourceFd, frame, r.offset);
      if (n !== frame.byteLength || !payloadIntact(frame.subarray(HEADER_BYTES), r)) {
        badPayloads++;
        continue;
      }
      for (let written = 0; written < frame.byteLength;) {
        written += await fs.write(fd, frame.subarray(written), position + written);
      }
      position += frame.byteLength;
    }
    await fs.datasync(fd);
  } finally {
    await fs.close(fd);
  }
  if (position === 0) {
    await fs.unlink(file);
    return { firstSeq: undefined, badPayloads };
  }
  await fs.syncDir(dir);
  return { firstSeq, badPayloads };
}

async function moveAside(options: RecoverOptions, name: string): Promise<void> {
  const { fs, dir, logger } = options;
  try {
    await fs.mkdir(path.join(dir, CORRUPT_DIR));
    await fs.rename(path.join(dir, name), path.join(dir, CORRUPT_DIR, `${name}.${options.now()}`));
    await fs.syncDir(dir);
  } catch (error) {
    logger.warn('otlphttp queue: cannot move a damaged file aside', { file: name, error: errorCode(error) });
  }
}

async function unlinkQuietly(options: RecoverOptions, name: string): Promise<void> {
  try {
    await options.fs.unlink(path.join(options.dir, name));
  } catch (error) {
    options.logger.warn('otlphttp queue: cannot remove a file', { file: name, error: errorCode(error) });
  }
}

export async function closeQuietly(fs: QueueFs, segment: QueueSegment): Promise<void> {
  const fd = segment.readFd;
  segment.readFd = undefined;
  if (fd !== undefined) await fs.close(fd).catch(() => undefined);
}
