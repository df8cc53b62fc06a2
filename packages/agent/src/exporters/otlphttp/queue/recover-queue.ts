import path from 'node:path';
import type { Logger } from '../../../component/logger.js';
import { errorCode } from '../../../store/fs-error.js';
import { CURSOR_FILE, decodeCursor, type Cursor } from './cursor.js';
import type { QueueEntry, QueueSegment } from './entry-deque.js';
import type { QueueFs } from './queue-fs.js';
import { HEADER_BYTES, payloadIntact } from './record-codec.js';
import { readFully, scanSegment, segmentFirstSeq, segmentName, type SegmentScan } from './segment-scan.js';
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
  /**
   * Records lost to damage found (and, when repairing, removed), counted as `QueueCounts.dropped.corrupt`
   * says. Damage in a segment that could not be repaired is not in it: see `QueueSegment.unrepaired`.
   */
  corrupt: number;
  /**
   * The first sequence of the oldest segment left unread for an I/O error (not for its content): the cursor's
   * head must stay at or below it, so that the segment is read at the next start rather than taken as sent.
   */
  unreadFrom: number | undefined;
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
 * again (counted as possible duplicates), never that anything is lost. An I/O error is never taken for damage:
 * a segment that cannot be read is left in place for the next start, one that cannot be repaired is used as it
 * is (its intact records queued, the damaged ones skipped) and repaired at the next start.
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
  let unreadFrom: number | undefined;
  /** The file could not be read (an I/O error, not its content): left in place, read at the next start. */
  const leaveUnread = (firstSeq: number): void => {
    // Records of it below the cursor's head are done already.
    unreadFrom ??= cursorCorrupt ? firstSeq : Math.max(firstSeq, cursor.head);
  };

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
      if (errorCode(error) === 'ENOENT') continue;
      logger.warn('otlphttp queue: cannot open a segment; it is read at the next start', {
        segment: name,
        error: errorCode(error),
      });
      leaveUnread(firstSeq);
      continue;
    }
    const segment: QueueSegment = { firstSeq, file, live: 0, readFd: fd };
    let scan: SegmentScan;
    try {
      scan = await scanSegment(fs, fd, segment);
    } catch (error) {
      // EIO, EMFILE...: the file may be fine. Moving it aside would lose its records for good.
      logger.warn('otlphttp queue: cannot read a segment; it is read at the next start', {
        segment: name,
        error: errorCode(error),
      });
      await closeQuietly(fs, segment);
      leaveUnread(firstSeq);
      continue;
    }
    let records: QueueEntry[] = scan.records;
    if (scan.size > 0 && records.length === 0) {
      corrupt += lostRecords(scan);
      logger.warn('otlphttp queue: a segment holds no readable record; moved aside', { segment: name });
      await closeQuietly(fs, segment);
      if (repair) await moveAside(options, name);
      continue;
    }
    let unrepaired = 0;
    if (scan.damaged.length > 0) {
      const firstDamage = scan.damaged[0]!.start;
      const after = records.filter((r) => r.offset > firstDamage);
      logger.warn('otlphttp queue: damaged records skipped', { segment: name, regions: scan.damaged.length });
      if (repair) {
        const repaired = await repairSegment(options, fd, name, firstDamage, after);
        if (repaired.copied !== undefined) {
          // A copy left by an interrupted earlier repair has the same name and content: it is replaced.
          if (pending[0] === repaired.copied) pending.shift();
          pending.unshift(repaired.copied);
        }
        // Without a copy the records after the damage are read where they are (checked when they are read).
        if (repaired.truncated || repaired.copied !== undefined)
          records = records.filter((r) => r.offset < firstDamage);
        const lost = scan.damaged.length + (repaired.copied !== undefined ? repaired.badPayloads : 0);
        // Damage still on disk is found again at the next start: counted once it is gone (see `unrepaired`).
        if (repaired.truncated) corrupt += scan.damaged.length + repaired.badPayloads;
        else unrepaired = lost;
      } else {
        corrupt += scan.damaged.length;
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
    if (segment.live > 0) {
      if (unrepaired > 0) segment.unrepaired = unrepaired;
      segments.push(segment);
      if (!repair) await closeQuietly(fs, segment);
    } else {
      await closeQuietly(fs, segment);
      if (repair) await unlinkQuietly(options, name);
      // The damage goes with the file.
      corrupt += unrepaired;
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
    unreadFrom,
    cursorCorrupt,
    counts: cursor.counts,
  };
}

/**
 * Cuts a damaged segment back to its first damage, after copying the intact records that follow it into a new
 * segment. Never throws: on an I/O error (a full disk, EIO, EMFILE) the segment is left as it is, to be used in
 * place and repaired at the next start; a partial copy is removed.
 */
async function repairSegment(
  options: RecoverOptions,
  fd: number,
  name: string,
  firstDamage: number,
  after: QueueEntry[],
): Promise<{ copied: number | undefined; truncated: boolean; badPayloads: number }> {
  const { fs, logger } = options;
  let copied: number | undefined;
  let badPayloads = 0;
  if (after.length > 0) {
    try {
      ({ firstSeq: copied, badPayloads } = await copyRecords(options, fd, after));
    } catch (error) {
      logger.warn('otlphttp queue: cannot repair a damaged segment; its intact records are read in place', {
        segment: name,
        error: errorCode(error),
      });
      return { copied: undefined, truncated: false, badPayloads: 0 };
    }
  }
  try {
    await fs.truncate(fd, firstDamage);
    await fs.datasync(fd);
    return { copied, truncated: true, badPayloads };
  } catch (error) {
    // The copy is durable: the next start finds the damage again and replaces the copy with the same one.
    logger.warn('otlphttp queue: cannot cut a damaged segment back; repaired at the next start', {
      segment: name,
      error: errorCode(error),
    });
    return { copied, truncated: false, badPayloads };
  }
}

/**
 * Copies the intact records of a damaged segment after its first damage into a new segment, durably; on an
 * error the partial copy is removed and the error thrown.
 */
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
  } catch (error) {
    await fs.unlink(file).catch(() => undefined);
    throw error;
  }
  return { firstSeq, badPayloads };
}

/** Records lost with a segment that is moved aside: one per intact header, one per damaged region. */
function lostRecords(scan: SegmentScan): number {
  return Math.max(1, scan.records.length + scan.damaged.length);
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
