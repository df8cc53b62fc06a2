import path from 'node:path';
import type { Clock } from '../../../component/clock.js';
import type { Logger } from '../../../component/logger.js';
import { errorCode } from '../../../store/fs-error.js';
import { CursorWriter } from './cursor-writer.js';
import { nodeQueueFs, type QueueFs } from './queue-fs.js';
import { QueueAppender, type AppendResult } from './queue-append.js';
import { QueueBounds } from './queue-bounds.js';
import { QueueLeases, type Lease } from './queue-lease.js';
import { purgeQueue } from './queue-purge.js';
import { QueueState } from './queue-state.js';
import { HEADER_BYTES } from './record-codec.js';
import { closeQuietly, recoverQueue } from './recover-queue.js';
import {
  DROP_REASONS,
  parseQueueStats,
  STATS_FILE,
  StatsFile,
  zeroCounts,
  type DropReason,
  type QueueCounts,
  type QueueStats,
} from './stats-file.js';

export type { AppendFailure, AppendResult } from './queue-append.js';
export type { Lease, QueuedRecord } from './queue-lease.js';

export const DEFAULT_QUEUE_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_QUEUE_MAX_AGE_MILLIS = 7 * 24 * 60 * 60 * 1000;

export interface DurableQueueOptions {
  /** The queue's own directory (`<data-dir>/queue/<exporter id>`); created when missing. */
  dir: string;
  /** Queued bytes (frames on disk) above which the oldest records are dropped, counted as `overflow`. */
  maxBytes: number;
  /** Records older than this are dropped oldest-first, counted as `expired`. Measured on `clock`. */
  maxAgeMillis: number;
  clock: Clock;
  logger: Logger;
  fs?: QueueFs;
  /** A new segment file is started past this size; consumed segments are deleted whole. */
  segmentMaxBytes?: number;
  /** The stats file is written at most this often (and on close). Default 1000. */
  statsIntervalMillis?: number;
}

/**
 * The sharing exporter's on-disk queue: append-only segment files of checksummed records
 * (see record-codec.ts) plus a cursor file of consumption progress. `append` resolves once the record is
 * fsynced: that is the acknowledgement to the pipeline. Appends that arrive together share one fsync.
 * Bounded by bytes and by age; every record dropped is counted with its reason. Expects one process per
 * directory (the agent's data-dir lock).
 *
 * This class is the lifecycle (open, close), the public surface and the stats. The pieces live next to it:
 * queue-append.ts (writes), queue-bounds.ts (size and age limits), queue-lease.ts (the batch in flight),
 * cursor-writer.ts (progress on disk), queue-purge.ts (revocation), recover-queue.ts (the index rebuilt at open).
 */
export class DurableQueue {
  readonly #options: DurableQueueOptions;
  readonly #state: QueueState;
  readonly #bounds: QueueBounds;
  readonly #cursor: CursorWriter;
  readonly #appender: QueueAppender;
  readonly #leases: QueueLeases;
  #lastSuccessAt: number | undefined;
  #lastError: { at: number; reason: string } | undefined;
  readonly #statsFile: StatsFile;

  private constructor(options: DurableQueueOptions) {
    this.#options = options;
    const fs = options.fs ?? nodeQueueFs;
    this.#statsFile = new StatsFile({
      dir: options.dir,
      fs,
      clock: options.clock,
      logger: options.logger,
      snapshot: () => this.stats(),
      intervalMillis: options.statsIntervalMillis ?? 1000,
    });
    const { dir, clock, logger } = options;
    this.#state = new QueueState({ dir, fs, clock, logger, statsFile: this.#statsFile });
    this.#bounds = new QueueBounds(this.#state, options);
    this.#cursor = new CursorWriter(this.#state);
    const segmentMaxBytes =
      options.segmentMaxBytes ?? Math.min(16 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(options.maxBytes / 16)));
    this.#appender = new QueueAppender(this.#state, this.#bounds, segmentMaxBytes);
    this.#leases = new QueueLeases(this.#state, this.#bounds, this.#cursor);
  }

  /** Opens (recovering) the queue in `options.dir`. Damaged files are skipped, counted and moved aside. */
  static async open(options: DurableQueueOptions): Promise<DurableQueue> {
    const queue = new DurableQueue(options);
    await queue.#recover();
    return queue;
  }

  async #recover(): Promise<void> {
    const state = this.#state;
    const { dir, fs, logger, clock } = state;
    await fs.mkdir(dir);
    try {
      const previous = await fs.readFile(path.join(dir, STATS_FILE));
      const stats = previous ? parseQueueStats(previous.toString('utf8')) : undefined;
      if (stats) {
        state.counts = stats.counts;
        this.#lastSuccessAt = stats.lastSuccessAt ? Date.parse(stats.lastSuccessAt) : undefined;
        this.#lastError = stats.lastError
          ? { at: Date.parse(stats.lastError.at), reason: stats.lastError.reason }
          : undefined;
      }
    } catch (error) {
      logger.warn('otlphttp queue: cannot read the stats file; counts start again', { error: errorCode(error) });
    }
    const recovered = await recoverQueue({ dir, fs, logger, repair: true, now: () => clock.now() });
    // The stats file is written after the cursor on a clean stop, the cursor more often while sending: the
    // counters only grow (but for a withdrawn possible duplicate), so the larger of each is the latest.
    if (recovered.counts) state.counts = maxCounts(state.counts, recovered.counts);
    state.segments = recovered.segments;
    for (const entry of recovered.entries) {
      state.live.push(entry);
      state.depthBytes += HEADER_BYTES + entry.length;
    }
    state.nextSeq = recovered.nextSeq;
    state.consumed = recovered.consumed;
    state.uncertain = recovered.uncertain;
    state.headLimit = recovered.unreadFrom;
    state.counts.dropped.corrupt += recovered.corrupt;
    if (recovered.corrupt > 0 || recovered.cursorCorrupt) {
      await this.#cursor.write();
      await this.#statsFile.flush();
    } else {
      this.#statsFile.schedule();
    }
  }

  /**
   * Queues one record. Resolves `{ queued: true }` once it is on disk (fsynced), or says why it was not queued
   * (counted): `disk_full` (ENOSPC/EDQUOT), `write_failed`, `too_large` (bigger than the whole queue), `closed`.
   * A failed write is cut back, so the queue stays usable.
   */
  append(payload: Uint8Array, meta: { points: number }): Promise<AppendResult> {
    return this.#appender.append(payload, meta);
  }

  /** Drops queued records older than `maxAgeMillis`, oldest first; returns how many. Leased records stay. */
  sweepExpired(): number {
    return this.#bounds.sweepExpired();
  }

  /**
   * Leases up to `maxRecords` of the oldest records (and at most `maxBytes` of payload, but always one), with
   * payloads read and checksums verified; a damaged record is dropped and counted `corrupt`. The lease is
   * marked in flight in the cursor before this resolves. One lease at a time; undefined when the queue is empty.
   */
  take(maxRecords: number, maxBytes = Number.POSITIVE_INFINITY): Promise<Lease | undefined> {
    return this.#leases.take(maxRecords, maxBytes);
  }

  /** Whether `lease` is the current one (a purge voids it). */
  holds(lease: Lease): boolean {
    return this.#leases.holds(lease);
  }

  /** The endpoint accepted the lease: its records are done. */
  ack(lease: Lease): void {
    this.#leases.finish(lease, undefined);
  }

  /** The endpoint refused the lease for good: its records are dropped, counted under `reason`. */
  drop(lease: Lease, reason: DropReason): void {
    this.#leases.finish(lease, reason);
  }

  /**
   * The lease goes back to the front of the queue. `answered`: the endpoint answered every attempt (with a
   * retryable status), so it has none of these records; otherwise they stay marked as possibly sent.
   */
  release(lease: Lease, options: { answered: boolean }): void {
    this.#leases.release(lease, options);
  }

  /** Writes the cursor (when changed) and deletes consumed segment files. */
  async checkpoint(): Promise<void> {
    if (this.#state.cursorDirty || this.#state.deletable.length > 0) await this.#cursor.write();
  }

  /**
   * Empties the queue durably (consent revoked): every record, leased or queued or about to be, is removed
   * from disk and counted `revoked`. Resolves with how many records were removed.
   */
  purge(): Promise<number> {
    return purgeQueue(this.#state, { appender: this.#appender, leases: this.#leases, cursor: this.#cursor });
  }

  /** Finishes queued appends, saves progress and stats, closes files. Safe to call twice. */
  async close(): Promise<void> {
    const state = this.#state;
    if (state.closed) return;
    state.closed = true;
    // A take reads through descriptors closed below: a closed descriptor's number can be reused at once.
    await this.#leases.taking?.catch(() => undefined);
    while (state.purging) await state.purging;
    await this.#appender.draining;
    await this.checkpoint();
    await this.#cursor.settled;
    const active = state.active;
    state.active = undefined;
    if (active) await state.fs.close(active.fd).catch(() => undefined);
    for (const segment of state.segments) await closeQuietly(state.fs, segment);
    await this.#statsFile.flush();
    this.#statsFile.cancel();
  }

  get depthRecords(): number {
    return this.#state.live.length + this.#state.leased.length;
  }

  /** Counters the send loop adds to; they persist in the stats file. */
  recordSent(lease: Lease, rejectedPoints: number): void {
    const counts = this.#state.counts;
    counts.sentBatches++;
    counts.sentRecords += lease.records.length;
    counts.sentPoints += lease.points;
    counts.rejectedPoints += rejectedPoints;
    this.#lastSuccessAt = this.#options.clock.now();
    this.#statsFile.schedule();
  }

  recordRetry(): void {
    this.#state.counts.retries++;
    this.#statsFile.schedule();
  }

  recordError(reason: string): void {
    this.#lastError = { at: this.#options.clock.now(), reason };
    this.#statsFile.schedule();
  }

  stats(): QueueStats {
    const state = this.#state;
    const oldest = state.leased[0] ?? state.live.peek();
    const iso = (millis: number | undefined): string | null =>
      millis === undefined ? null : new Date(millis).toISOString();
    return {
      depthRecords: this.depthRecords,
      depthBytes: state.depthBytes,
      oldestEnqueuedAt: iso(oldest?.enqueuedAt),
      lastSuccessAt: iso(this.#lastSuccessAt),
      lastError: this.#lastError
        ? { at: new Date(this.#lastError.at).toISOString(), reason: this.#lastError.reason }
        : null,
      diskFull: this.#appender.diskFull,
      counts: structuredClone(state.counts),
      updatedAt: new Date(this.#options.clock.now()).toISOString(),
    };
  }
}

function maxCounts(a: QueueCounts, b: QueueCounts): QueueCounts {
  const counts = zeroCounts();
  for (const key of [
    'sentBatches',
    'sentRecords',
    'sentPoints',
    'retries',
    'rejectedPoints',
    'possibleDuplicates',
  ] as const) {
    counts[key] = Math.max(a[key], b[key]);
  }
  for (const reason of DROP_REASONS) counts.dropped[reason] = Math.max(a.dropped[reason], b.dropped[reason]);
  return counts;
}
