import path from 'node:path';
import type { Clock, Ticker } from '../../../component/clock.js';
import type { Logger } from '../../../component/logger.js';
import { errorCode } from '../../../store/fs-error.js';
import type { QueueFs } from './queue-fs.js';

export const STATS_FILE = 'stats.json';

/** Why queued records were dropped. Every count is in records (one record = one export of the pipeline). */
export const DROP_REASONS = [
  'overflow',
  'expired',
  'corrupt',
  'disk_full',
  'write_failed',
  'rejected',
  'revoked',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface QueueCounts {
  /** Requests the endpoint accepted, and the records and data points in them. */
  sentBatches: number;
  sentRecords: number;
  sentPoints: number;
  /** Attempts repeated after a retryable failure. */
  retries: number;
  /** Data points the endpoint refused in a `partial_success` (counted, never resent). */
  rejectedPoints: number;
  /** Records sent again after a crash or an unanswered request: the endpoint may have them twice. */
  possibleDuplicates: number;
  /**
   * Records dropped, by reason. `corrupt` counts records where the damage leaves a way to tell how many: one per
   * record whose payload fails its checksum when read, one per intact header in a segment moved aside; where
   * it does not (a damaged header, a torn tail, a file of garbage) each damaged region counts as one record,
   * though it may have held more. Damage recovery could not cut out (an I/O error during the repair) is
   * counted once the repair succeeds at a later start, or once its segment is deleted.
   */
  dropped: Record<DropReason, number>;
}

/** `<queue dir>/stats.json`, for `status` and the dashboard (other processes). Never holds data or secrets. */
export interface QueueStats {
  depthRecords: number;
  depthBytes: number;
  /** ISO 8601 time the oldest queued record was queued; null when empty. */
  oldestEnqueuedAt: string | null;
  lastSuccessAt: string | null;
  /** A fixed reason code (`http_503`, `ECONNREFUSED`, `disk_full`), never a URL or a response body. */
  lastError: { at: string; reason: string } | null;
  /** True from a failed append for lack of space until an append succeeds again. */
  diskFull: boolean;
  counts: QueueCounts;
  /** When this file was written. */
  updatedAt: string;
}

export function zeroCounts(): QueueCounts {
  return {
    sentBatches: 0,
    sentRecords: 0,
    sentPoints: 0,
    retries: 0,
    rejectedPoints: 0,
    possibleDuplicates: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
  };
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
const isoOrNull = (v: unknown): string | null =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : null;

/** Reads a stats file leniently: anything missing or malformed reads as zero or null. */
export function parseQueueStats(content: string): QueueStats | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const counts = (typeof raw.counts === 'object' && raw.counts !== null ? raw.counts : {}) as Record<string, unknown>;
  const dropped = (typeof counts.dropped === 'object' && counts.dropped !== null ? counts.dropped : {}) as Record<
    string,
    unknown
  >;
  const lastError = raw.lastError as { at?: unknown; reason?: unknown } | null | undefined;
  const errorAt = isoOrNull(lastError?.at);
  return {
    depthRecords: count(raw.depthRecords),
    depthBytes: count(raw.depthBytes),
    oldestEnqueuedAt: isoOrNull(raw.oldestEnqueuedAt),
    lastSuccessAt: isoOrNull(raw.lastSuccessAt),
    lastError:
      errorAt && typeof lastError?.reason === 'string'
        ? { at: errorAt, reason: lastError.reason.replace(/[^\w.:-]/g, '_').slice(0, 64) }
        : null,
    diskFull: raw.diskFull === true,
    counts: {
      sentBatches: count(counts.sentBatches),
      sentRecords: count(counts.sentRecords),
      sentPoints: count(counts.sentPoints),
      retries: count(counts.retries),
      rejectedPoints: count(counts.rejectedPoints),
      possibleDuplicates: count(counts.possibleDuplicates),
      dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, count(dropped[r])])) as Record<DropReason, number>,
    },
    updatedAt: isoOrNull(raw.updatedAt) ?? new Date(0).toISOString(),
  };
}

export interface StatsFileOptions {
  dir: string;
  fs: QueueFs;
  clock: Clock;
  logger: Logger;
  snapshot: () => QueueStats;
  /** At most one write per this many milliseconds, besides `flush()`. */
  intervalMillis: number;
}

/** Writes the stats file atomically, at most once per interval (and on `flush()`), one write at a time. */
export class StatsFile {
  readonly #options: StatsFileOptions;
  #timer: Ticker | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(options: StatsFileOptions) {
    this.#options = options;
  }

  /** Something changed: write within the interval. */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = this.#options.clock.after(this.#options.intervalMillis, () => {
      this.#timer = undefined;
      void this.#write();
    });
  }

  flush(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    return this.#write();
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #write(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      const { fs, dir, logger } = this.#options;
      const file = path.join(dir, STATS_FILE);
      const content = padded(`${JSON.stringify(this.#options.snapshot())}\n`);
      try {
        try {
          await fs.writeFileAtomic(file, content);
        } catch (error) {
          // A full disk has no room for the temp file, and that is exactly when `status` must say so: overwrite
          // the existing file's blocks in place instead (it is padded, so the new content fits).
          if (!(await overwriteInPlace(fs, file, content))) throw error;
        }
        if (this.#failing) logger.info('otlphttp queue: stats file written again');
        this.#failing = false;
      } catch (error) {
        // Stats are for display; the queue goes on without them (a full disk must not stop it).
        if (!this.#failing) logger.warn('otlphttp queue: cannot write the stats file', { error: errorCode(error) });
        this.#failing = true;
      }
    });
    return this.#writing;
  }
}

/** Stats are padded with spaces to a multiple of 1 KiB, leaving room to overwrite them in place. */
const PAD_BYTES = 1024;

function padded(json: string): Buffer {
  const bytes = Buffer.from(json);
  const size = Math.ceil((bytes.length + 1) / PAD_BYTES) * PAD_BYTES;
  const out = Buffer.alloc(size, 0x20);
  bytes.copy(out);
  out[size - 1] = 0x0a;
  return out;
}

/** Writes `content` over the existing file's allocated bytes; false when the file is missing or too small. */
async function overwriteInPlace(fs: QueueFs, file: string, content: Buffer): Promise<boolean> {
  let fd: number;
  try {
    fd = await fs.openReadWrite(file);
  } catch {
    return false;
  }
  try {
    const size = await fs.size(fd);
    if (size < content.length) return false;
    // Fill the whole file, so nothing of a longer old content is left after the new one.
    const whole = Buffer.alloc(size, 0x20);
    content.copy(whole);
    whole[size - 1] = 0x0a;
    let written = 0;
    while (written < size) written += await fs.write(fd, whole.subarray(written), written);
    await fs.datasync(fd);
    return true;
  } finally {
    await fs.close(fd);
  }
}
