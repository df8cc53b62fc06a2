import { crc32 } from 'node:zlib';
import { SeqRanges } from './seq-ranges.js';
import { parseQueueStats, type QueueCounts } from './stats-file.js';

export const CURSOR_FILE = 'cursor.json';

/**
 * Consumption progress, written atomically before every send. Records below `head` and in `consumed` are done
 * (sent, or dropped and counted); records in `uncertain` may have reached the endpoint already (a send was in
 * flight, or ended without an answer), so sending them again is counted as possible duplicates. `next` keeps
 * sequence numbers rising after every segment has been deleted.
 */
export interface Cursor {
  head: number;
  next: number;
  consumed: SeqRanges;
  uncertain: SeqRanges;
  /**
   * The counters as of this write. Possible duplicates are counted before a send, in the same write that marks
   * it in flight, so a crash can make that count too high but never too low.
   */
  counts?: QueueCounts;
}

export function encodeCursor(cursor: Cursor): string {
  const body = JSON.stringify({
    v: 1,
    head: cursor.head,
    next: cursor.next,
    consumed: cursor.consumed.toJSON(),
    uncertain: cursor.uncertain.toJSON(),
    counts: cursor.counts,
  });
  return `${JSON.stringify({ crc: crc32(body), body })}\n`;
}

/**
 * The cursor in `content`; `missing` when there is no file (nothing was ever sent from this queue), `corrupt`
 * when it cannot be trusted (then everything on disk is sent again and counted as possible duplicates).
 */
export function decodeCursor(content: Buffer | undefined): Cursor | 'missing' | 'corrupt' {
  if (content === undefined) return 'missing';
  try {
    const outer = JSON.parse(content.toString('utf8')) as { crc?: unknown; body?: unknown };
    if (typeof outer.body !== 'string' || outer.crc !== crc32(outer.body)) return 'corrupt';
    const inner = JSON.parse(outer.body) as Record<string, unknown>;
    if (inner.v !== 1 || !Number.isSafeInteger(inner.head) || !Number.isSafeInteger(inner.next)) return 'corrupt';
    return {
      head: inner.head as number,
      next: inner.next as number,
      consumed: SeqRanges.from(inner.consumed),
      uncertain: SeqRanges.from(inner.uncertain),
      counts: parseQueueStats(JSON.stringify({ counts: inner.counts }))?.counts,
    };
  } catch {
    return 'corrupt';
  }
}
