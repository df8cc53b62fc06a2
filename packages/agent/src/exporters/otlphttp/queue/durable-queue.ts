import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Clock } from '../../../component/clock.js';
import type { Logger } from '../../../component/logger.js';
import { errorCode } from '../../../store/fs-error.js';
import { CURSOR_FILE, encodeCursor } from './cursor.js';
import { EntryDeque, type QueueEntry, type QueueSegment } from './entry-deque.js';
import { nodeQueueFs, type QueueFs } from './queue-fs.js';
import { encodeFrame, HEADER_BYTES } from './record-codec.js';
import { closeQuietly, CORRUPT_DIR, recoverQueue } from './recover-queue.js';
import { readFully, segmentFirstSeq, segmentName } from './segment-scan.js';
import { SeqRanges } from './seq-ranges.js';
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

export type AppendFailure = 'disk_full' | 'write_failed' | 'too_large' | 'closed' | 'revoked';
export type AppendResult = { queued: true; seq: number } | { queued: false; reason: AppendFailure };

export interface QueuedRecord {
  seq: number;
  enqueuedAt: number;
  points: number;
  payload: Uint8Array;
  /** The endpoint may have this record already (a crash or an unanswered request during an earlier send). */
  uncertain: boolean;
}

/** Records handed to the sender; they stay on disk until `ack`, `drop` or `release`. */
export interface Lease {
  readonly records: readonly QueuedRecord[];
  readonly payloadBytes: number;
  readonly points: number;
  /** Records in this lease the endpoint may have already; counted as possible duplicates when leased. */
  readonly uncertainRecords: number;
}

interface PendingAppend {
  payload: Uint8Array;
  points: number;
  resolve: (result: AppendResult) => void;
}

interface ActiveSegment {
  segment: QueueSegment;
  fd: number;
  size: number;
  /** A failed write could not be cut back: nothing more is appended to this file. */
  broken: boolean;
}

const MAX_GROUP = 256;

/**
 * The sharing exporter's on-disk queue: append-only segment files of checksummed records
 * (see record-codec.ts) plus a cursor file of consumption progress. `append` resolves once the record is
 * fsynced: that is the acknowledgement to the pipeline. Appends that arrive together share one fsync.
 * Bounded by bytes and by age; every record dropped is counted with its reason. Expects one process per
 * directory (the agent's data-dir lock).
 */
export class DurableQueue {
  readonly #options: DurableQueueOptions;
  readonly #fs: QueueFs;
  readonly #segmentMaxBytes: number;
  readonly #live = new EntryDeque();
  #segments: QueueSegment[] = [];
  #active: ActiveSegment | undefined;
  #lease: Lease | undefined;
  #leased: QueueEntry[] = [];
  /** Bumped by `purge`: a lease or read from before it is void. */
  #generation = 0;
  #nextSeq = 1;
  #depthBytes = 0;
  #consumed = new SeqRanges();
  #uncertain = new SeqRanges();
  #cursorDirty = false;
  #cursorWrite: Promise<void> = Promise.resolve();
  #cursorFailing = false;
  /** Segments with no queued record left, deleted once a cursor covering them is on disk. */
  #deletable: QueueSegment[] = [];
  #pending: PendingAppend[] = [];
  #draining: Promise<void> | undefined;
  #purging: Promise<void> | undefined;
  #closed = false;
  /** The take under way, awaited by `close` before it closes the files that take reads. */
  #taking: Promise<Lease | undefined> | undefined;
  /** The cursor's head stays at or below this: a segment left unread at recovery (an I/O error) holds records. */
  #headLimit: number | undefined;
  #counts: QueueCounts = zeroCounts();
  #lastSuccessAt: number | undefined;
  #lastError: { at: number; reason: string } | undefined;
  #diskFull = false;
  readonly #statsFile: StatsFile;

  private constructor(options: DurableQueueOptions) {
    this.#options = options;
    this.#fs = options.fs ?? nodeQueueFs;
    this.#segmentMaxBytes =
      options.segmentMaxBytes ?? Math.min(16 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(options.maxBytes / 16)));
    this.#statsFile = new StatsFile({
      dir: options.dir,
      fs: this.#fs,
      clock: options.clock,
      logger: options.logger,
      snapshot: () => this.stats(),
      intervalMillis: options.statsIntervalMillis ?? 1000,
    });
  }

  /** Opens (recovering) the queue in `options.dir`. Damaged files are skipped, counted and moved aside. */
  static async open(options: DurableQueueOptions): Promise<DurableQueue> {
    const queue = new DurableQueue(options);
    await queue.#recover();
    return queue;
  }

  async #recover(): Promise<void> {
    const { dir, logger, clock } = this.#options;
    await this.#fs.mkdir(dir);
    try {
      const previous = await this.#fs.readFile(path.join(dir, STATS_FILE));
      const stats = previous ? parseQueueStats(previous.toString('utf8')) : undefined;
      if (stats) {
        this.#counts = stats.counts;
        this.#lastSuccessAt = stats.lastSuccessAt ? Date.parse(stats.lastSuccessAt) : undefined;
        this.#lastError = stats.lastError
          ? { at: Date.parse(stats.lastError.at), reason: stats.lastError.reason }
          : undefined;
      }
    } catch (error) {
      logger.warn('otlphttp queue: cannot read the stats file; counts start again', { error: errorCode(error) });
    }
    const recovered = await recoverQueue({ dir, fs: this.#fs, logger, repair: true, now: () => clock.now() });
    // The stats file is written after the cursor on a clean stop, the cursor more often while sending: the
    // counters only grow (but for a withdrawn possible duplicate), so the larger of each is the latest.
    if (recovered.counts) this.#counts = maxCounts(this.#counts, recovered.counts);
    this.#segments = recovered.segments;
    for (const entry of recovered.entries) {
      this.#live.push(entry);
      this.#depthBytes += HEADER_BYTES + entry.length;
    }
    this.#nextSeq = recovered.nextSeq;
    this.#consumed = recovered.consumed;
    this.#uncertain = recovered.uncertain;
    this.#headLimit = recovered.unreadFrom;
    this.#counts.dropped.corrupt += recovered.corrupt;
    if (recovered.corrupt > 0 || recovered.cursorCorrupt) {
      await this.#writeCursor();
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
    if (this.#closed) return Promise.resolve({ queued: false, reason: 'closed' });
    if (HEADER_BYTES + payload.byteLength > this.#options.maxBytes) {
      this.#counts.dropped.overflow++;
      this.#statsFile.schedule();
      return Promise.resolve({ queued: false, reason: 'too_large' });
    }
    return new Promise((resolve) => {
      this.#pending.push({ payload, points: meta.points, resolve });
      this.#startDrain();
    });
  }

  #startDrain(): void {
    if (this.#draining || this.#purging) return;
    this.#draining = (async () => {
      while (this.#pending.length > 0 && !this.#purging) {
        await this.#writeGroup(this.#nextGroup());
      }
      this.#draining = undefined;
    })();
  }

  /** Appends waiting now, up to one segment's worth: they share one write and one fsync. */
  #nextGroup(): PendingAppend[] {
    let count = 1;
    let bytes = HEADER_BYTES + this.#pending[0]!.payload.byteLength;
    while (count < this.#pending.length && count < MAX_GROUP) {
      const next = HEADER_BYTES + this.#pending[count]!.payload.byteLength;
      if (bytes + next > this.#segmentMaxBytes) break;
      bytes += next;
      count++;
    }
    return this.#pending.splice(0, count);
  }

  async #writeGroup(group: PendingAppend[]): Promise<void> {
    const { clock, logger } = this.#options;
    const enqueuedAt = clock.now();
    const firstSeq = this.#nextSeq;
    // Sequence numbers are used even when the write fails: a frame that could not be cut back must never
    // share its number with a later, acknowledged one.
    this.#nextSeq += group.length;
    const frames = group.map((p, i) => encodeFrame(p.payload, { seq: firstSeq + i, enqueuedAt, points: p.points }));
    const bytes = frames.reduce((sum, f) => sum + f.byteLength, 0);
    let active: ActiveSegment | undefined;
    let start = 0;
    try {
      active = await this.#activeSegment(bytes, firstSeq);
      start = active.size;
      const data = frames.length === 1 ? frames[0]! : Buffer.concat(frames, bytes);
      try {
        for (let written = 0; written < data.byteLength;) {
          written += await this.#fs.write(active.fd, data.subarray(written), start + written);
        }
        await this.#fs.datasync(active.fd);
      } catch (error) {
        await this.#fs.truncate(active.fd, start).catch(() => {
          active!.broken = true;
        });
        throw error;
      }
    } catch (error) {
      const code = errorCode(error);
      const reason: DropReason = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk_full' : 'write_failed';
      this.#counts.dropped[reason] += group.length;
      if (reason === 'disk_full' && !this.#diskFull) logger.warn('otlphttp queue: disk full; new batches are dropped');
      if (reason === 'write_failed') logger.warn('otlphttp queue: cannot write a batch', { error: code });
      this.#diskFull = reason === 'disk_full';
      this.#statsFile.schedule();
      for (const p of group) p.resolve({ queued: false, reason });
      return;
    }
    active.size = start + bytes;
    let offset = start;
    group.forEach((p, i) => {
      this.#live.push({
        seq: firstSeq + i,
        enqueuedAt,
        points: p.points,
        length: p.payload.byteLength,
        payloadCrc: frames[i]!.readUInt32BE(28),
        offset,
        segment: active.segment,
      });
      offset += frames[i]!.byteLength;
    });
    active.segment.live += group.length;
    this.#depthBytes += bytes;
    if (this.#diskFull) logger.info('otlphttp queue: disk space is back; batches are queued again');
    this.#diskFull = false;
    for (let i = 0; i < group.length; i++) group[i]!.resolve({ queued: true, seq: firstSeq + i });
    this.#dropOverflow();
    this.#statsFile.schedule();
  }

  async #activeSegment(bytes: number, firstSeq: number): Promise<ActiveSegment> {
    const current = this.#active;
    if (current && (current.broken || (current.size > 0 && current.size + bytes > this.#segmentMaxBytes))) {
      this.#active = undefined;
      await this.#fs.close(current.fd).catch(() => undefined);
      if (current.segment.live === 0) this.#deletable.push(current.segment);
    }
    if (this.#active) return this.#active;
    const { dir } = this.#options;
    const file = path.join(dir, segmentName(firstSeq));
    // The directory may have been emptied by `prism-telemetry` in another process (revocation).
    await this.#fs.mkdir(dir);
    const fd = await this.#fs.create(file);
    try {
      await this.#fs.syncDir(dir);
    } catch (error) {
      await this.#fs.close(fd).catch(() => undefined);
      await this.#fs.unlink(file).catch(() => undefined);
      throw error;
    }
    const segment: QueueSegment = { firstSeq, file, live: 0, readFd: undefined };
    this.#segments.push(segment);
    this.#active = { segment, fd, size: 0, broken: false };
    return this.#active;
  }

  #dropOverflow(): void {
    let dropped = 0;
    while (this.#depthBytes > this.#options.maxBytes) {
      const oldest = this.#live.shift();
      if (!oldest) break;
      this.#consume(oldest, 'overflow');
      dropped++;
    }
    if (dropped > 0) this.#options.logger.warn('otlphttp queue: full; oldest batches dropped', { records: dropped });
  }

  /** Drops queued records older than `maxAgeMillis`, oldest first; returns how many. Leased records stay. */
  sweepExpired(): number {
    const cutoff = this.#options.clock.now() - this.#options.maxAgeMillis;
    let expired = 0;
    for (let e = this.#live.peek(); e && e.enqueuedAt < cutoff; e = this.#live.peek()) {
      this.#live.shift();
      this.#consume(e, 'expired');
      expired++;
    }
    if (expired > 0) this.#statsFile.schedule();
    return expired;
  }

  #consume(entry: QueueEntry, reason?: DropReason): void {
    this.#consumed.add(entry.seq);
    this.#depthBytes -= HEADER_BYTES + entry.length;
    entry.segment.live--;
    if (entry.segment.live === 0 && entry.segment !== this.#active?.segment) this.#deletable.push(entry.segment);
    if (reason) this.#counts.dropped[reason]++;
    this.#cursorDirty = true;
  }

  /**
   * Leases up to `maxRecords` of the oldest records (and at most `maxBytes` of payload, but always one), with
   * payloads read and checksums verified; a damaged record is dropped and counted `corrupt`. The lease is
   * marked in flight in the cursor before this resolves. One lease at a time; undefined when the queue is empty.
   */
  take(maxRecords: number, maxBytes = Number.POSITIVE_INFINITY): Promise<Lease | undefined> {
    if (this.#lease || this.#leased.length > 0 || this.#taking) {
      return Promise.reject(new Error('otlphttp queue: one lease at a time'));
    }
    if (this.#closed) return Promise.resolve(undefined);
    const taking = this.#take(maxRecords, maxBytes).finally(() => {
      this.#taking = undefined;
    });
    this.#taking = taking;
    return taking;
  }

  async #take(maxRecords: number, maxBytes: number): Promise<Lease | undefined> {
    this.sweepExpired();
    const generation = this.#generation;
    const taking = this.#leased;
    const records: QueuedRecord[] = [];
    let payloadBytes = 0;
    let points = 0;
    while (records.length < maxRecords) {
      const entry = this.#live.peek();
      if (!entry || (records.length > 0 && payloadBytes + entry.length > maxBytes)) break;
      this.#live.shift();
      taking.push(entry);
      const payload = await this.#readPayload(entry);
      if (generation !== this.#generation) return undefined;
      if (this.#closed) {
        // Closing while a record was read: nothing was taken (the read may have been cut short by the close).
        this.#live.unshiftAll(this.#leased);
        this.#leased = [];
        return undefined;
      }
      if (!payload) {
        taking.pop();
        this.#consume(entry, 'corrupt');
        this.#options.logger.warn('otlphttp queue: a damaged record was dropped');
        continue;
      }
      records.push({
        seq: entry.seq,
        enqueuedAt: entry.enqueuedAt,
        points: entry.points,
        payload,
        uncertain: this.#uncertain.has(entry.seq),
      });
      payloadBytes += entry.length;
      points += entry.points;
    }
    if (records.length === 0) {
      this.#leased = [];
      return undefined;
    }
    for (const r of records) this.#uncertain.add(r.seq);
    const uncertainRecords = records.filter((r) => r.uncertain).length;
    this.#counts.possibleDuplicates += uncertainRecords;
    this.#cursorDirty = true;
    // From here a crash means this lease is sent again at the next start, counted as possible duplicates.
    await this.#writeCursor();
    if (generation !== this.#generation) return undefined;
    this.#lease = { records, payloadBytes, points, uncertainRecords };
    return this.#lease;
  }

  async #readPayload(entry: QueueEntry): Promise<Uint8Array | undefined> {
    const { segment } = entry;
    try {
      let fd = segment.readFd;
      if (fd === undefined) {
        const generation = this.#generation;
        const opened = await this.#fs.openRead(segment.file);
        if (generation !== this.#generation || this.#closed) {
          // A purge or close ran meanwhile and forgot this segment: the descriptor would never be closed.
          await this.#fs.close(opened).catch(() => undefined);
          return undefined;
        }
        segment.readFd = fd = opened;
      }
      const payload = Buffer.allocUnsafe(entry.length);
      const n = await readFully(this.#fs, fd, payload, entry.offset + HEADER_BYTES);
      return n === entry.length && crc32(payload) === entry.payloadCrc ? payload : undefined;
    } catch (error) {
      this.#options.logger.warn('otlphttp queue: cannot read a record', { error: errorCode(error) });
      return undefined;
    }
  }

  /** Whether `lease` is the current one (a purge voids it). */
  holds(lease: Lease): boolean {
    return lease === this.#lease;
  }

  /** The endpoint accepted the lease: its records are done. */
  ack(lease: Lease): void {
    this.#finish(lease, undefined);
  }

  /** The endpoint refused the lease for good: its records are dropped, counted under `reason`. */
  drop(lease: Lease, reason: DropReason): void {
    this.#finish(lease, reason);
  }

  #finish(lease: Lease, reason: DropReason | undefined): void {
    if (!this.holds(lease)) return;
    for (const entry of this.#leased) this.#consume(entry, reason);
    this.#leased = [];
    this.#lease = undefined;
    this.#statsFile.schedule();
  }

  /**
   * The lease goes back to the front of the queue. `answered`: the endpoint answered every attempt (with a
   * retryable status), so it has none of these records; otherwise they stay marked as possibly sent.
   */
  release(lease: Lease, options: { answered: boolean }): void {
    if (!this.holds(lease)) return;
    if (options.answered) {
      for (const r of lease.records) if (!r.uncertain) this.#uncertain.delete(r.seq, r.seq);
      // Nothing of this lease was delivered this time: its possible duplicates did not happen (yet).
      this.#counts.possibleDuplicates -= lease.uncertainRecords;
    }
    this.#live.unshiftAll(this.#leased);
    this.#leased = [];
    this.#lease = undefined;
    this.#cursorDirty = true;
  }

  /** Writes the cursor (when changed) and deletes consumed segment files. */
  async checkpoint(): Promise<void> {
    if (this.#cursorDirty || this.#deletable.length > 0) await this.#writeCursor();
  }

  #writeCursor(): Promise<void> {
    this.#cursorWrite = this.#cursorWrite.then(async () => {
      const head = Math.min(
        this.#leased[0]?.seq ?? this.#live.peek()?.seq ?? this.#nextSeq,
        this.#headLimit ?? Infinity,
      );
      this.#consumed.deleteBelow(head);
      this.#uncertain.deleteBelow(head);
      const deletions = this.#deletable.splice(0);
      // Damage recovery could not repair goes with its file: counted in the cursor written before the deletion.
      for (const segment of deletions) this.#countUnrepaired(segment);
      const content = encodeCursor({
        head,
        next: this.#nextSeq,
        consumed: this.#consumed,
        uncertain: this.#uncertain,
        counts: this.#counts,
      });
      this.#cursorDirty = false;
      try {
        await this.#fs.mkdir(this.#options.dir);
        await this.#fs.writeFileAtomic(path.join(this.#options.dir, CURSOR_FILE), content);
        if (this.#cursorFailing) this.#options.logger.info('otlphttp queue: cursor file written again');
        this.#cursorFailing = false;
      } catch (error) {
        // Progress not saved means records may be sent again after a crash; never that one is lost.
        if (!this.#cursorFailing) {
          this.#options.logger.warn('otlphttp queue: cannot write the cursor file', { error: errorCode(error) });
        }
        this.#cursorFailing = true;
        this.#cursorDirty = true;
        this.#deletable.unshift(...deletions);
        return;
      }
      for (const segment of deletions) await this.#deleteSegment(segment);
    });
    return this.#cursorWrite;
  }

  #countUnrepaired(segment: QueueSegment): void {
    if (segment.live > 0 || !segment.unrepaired) return;
    this.#counts.dropped.corrupt += segment.unrepaired;
    segment.unrepaired = undefined;
  }

  async #deleteSegment(segment: QueueSegment): Promise<void> {
    if (segment.live > 0 || segment === this.#active?.segment) return;
    this.#segments = this.#segments.filter((s) => s !== segment);
    await closeQuietly(this.#fs, segment);
    await this.#fs.unlink(segment.file).catch((error: unknown) => {
      this.#options.logger.warn('otlphttp queue: cannot delete a sent segment', { error: errorCode(error) });
    });
  }

  /**
   * Empties the queue durably (consent revoked): every record, leased or queued or about to be, is removed
   * from disk and counted `revoked`. Resolves with how many records were removed.
   */
  async purge(): Promise<number> {
    while (this.#purging) await this.#purging;
    this.#generation++;
    let removed = 0;
    for (const p of this.#pending.splice(0)) {
      p.resolve({ queued: false, reason: 'revoked' });
      removed++;
    }
    const run = async (): Promise<void> => {
      await this.#draining;
      removed += this.#live.length + this.#leased.length;
      this.#live.clear();
      this.#leased = [];
      this.#lease = undefined;
      const active = this.#active;
      this.#active = undefined;
      if (active) await this.#fs.close(active.fd).catch(() => undefined);
      const { dir } = this.#options;
      for (const segment of this.#segments) {
        await closeQuietly(this.#fs, segment);
        // Its damaged records are lost to the damage, not to the revocation.
        if (segment.unrepaired) this.#counts.dropped.corrupt += segment.unrepaired;
      }
      this.#segments = [];
      this.#deletable = [];
      this.#headLimit = undefined;
      const names = await this.#fs.readdir(dir);
      for (const name of names) {
        if (segmentFirstSeq(name) !== undefined) await this.#fs.unlink(path.join(dir, name));
      }
      // Damaged files moved aside hold queued data too.
      for (const name of await this.#fs.readdir(path.join(dir, CORRUPT_DIR))) {
        await this.#fs.unlink(path.join(dir, CORRUPT_DIR, name));
      }
      this.#consumed.clear();
      this.#uncertain.clear();
      this.#depthBytes = 0;
      this.#cursorDirty = true;
      await this.#writeCursor();
      await this.#fs.syncDir(dir).catch(() => undefined);
      this.#counts.dropped.revoked += removed;
      await this.#statsFile.flush();
    };
    this.#purging = run();
    try {
      await this.#purging;
    } finally {
      this.#purging = undefined;
      if (this.#pending.length > 0) this.#startDrain();
    }
    return removed;
  }

  /** Finishes queued appends, saves progress and stats, closes files. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A take reads through descriptors closed below: a closed descriptor's number can be reused at once.
    await this.#taking?.catch(() => undefined);
    while (this.#purging) await this.#purging;
    await this.#draining;
    await this.checkpoint();
    await this.#cursorWrite;
    const active = this.#active;
    this.#active = undefined;
    if (active) await this.#fs.close(active.fd).catch(() => undefined);
    for (const segment of this.#segments) await closeQuietly(this.#fs, segment);
    await this.#statsFile.flush();
    this.#statsFile.cancel();
  }

  get depthRecords(): number {
    return this.#live.length + this.#leased.length;
  }

  /** Counters the send loop adds to; they persist in the stats file. */
  recordSent(lease: Lease, rejectedPoints: number): void {
    this.#counts.sentBatches++;
    this.#counts.sentRecords += lease.records.length;
    this.#counts.sentPoints += lease.points;
    this.#counts.rejectedPoints += rejectedPoints;
    this.#lastSuccessAt = this.#options.clock.now();
    this.#statsFile.schedule();
  }

  recordRetry(): void {
    this.#counts.retries++;
    this.#statsFile.schedule();
  }

  recordError(reason: string): void {
    this.#lastError = { at: this.#options.clock.now(), reason };
    this.#statsFile.schedule();
  }

  stats(): QueueStats {
    const oldest = this.#leased[0] ?? this.#live.peek();
    const iso = (millis: number | undefined): string | null =>
      millis === undefined ? null : new Date(millis).toISOString();
    return {
      depthRecords: this.depthRecords,
      depthBytes: this.#depthBytes,
      oldestEnqueuedAt: iso(oldest?.enqueuedAt),
      lastSuccessAt: iso(this.#lastSuccessAt),
      lastError: this.#lastError
        ? { at: new Date(this.#lastError.at).toISOString(), reason: this.#lastError.reason }
        : null,
      diskFull: this.#diskFull,
      counts: structuredClone(this.#counts),
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
