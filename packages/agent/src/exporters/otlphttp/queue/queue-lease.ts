import { crc32 } from 'node:zlib';
import { errorCode } from '../../../store/fs-error.js';
import type { CursorWriter } from './cursor-writer.js';
import type { QueueEntry } from './entry-deque.js';
import type { QueueBounds } from './queue-bounds.js';
import type { QueueState } from './queue-state.js';
import { HEADER_BYTES } from './record-codec.js';
import { readFully } from './segment-scan.js';
import type { DropReason } from './stats-file.js';

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

/**
 * The read side of the queue: the batch in flight. A record leaves the queue only when the endpoint has
 * answered for it, so the sender leases the oldest records, and the lease ends in `ack` (sent), `drop`
 * (refused for good, counted) or `release` (back to the front, to be sent again). The lease is marked in the
 * cursor before it is handed out, so a crash mid-send sends it again, counted as possible duplicates.
 */
export class QueueLeases {
  readonly #state: QueueState;
  readonly #bounds: QueueBounds;
  readonly #cursor: CursorWriter;
  #lease: Lease | undefined;
  /** The take under way, awaited by `close` before it closes the files that take reads. */
  #taking: Promise<Lease | undefined> | undefined;

  constructor(state: QueueState, bounds: QueueBounds, cursor: CursorWriter) {
    this.#state = state;
    this.#bounds = bounds;
    this.#cursor = cursor;
  }

  get taking(): Promise<Lease | undefined> | undefined {
    return this.#taking;
  }

  take(maxRecords: number, maxBytes: number): Promise<Lease | undefined> {
    if (this.#lease || this.#state.leased.length > 0 || this.#taking) {
      return Promise.reject(new Error('otlphttp queue: one lease at a time'));
    }
    if (this.#state.closed) return Promise.resolve(undefined);
    const taking = this.#take(maxRecords, maxBytes).finally(() => {
      this.#taking = undefined;
    });
    this.#taking = taking;
    return taking;
  }

  async #take(maxRecords: number, maxBytes: number): Promise<Lease | undefined> {
    const state = this.#state;
    this.#bounds.sweepExpired();
    const generation = state.generation;
    const taking = state.leased;
    const records: QueuedRecord[] = [];
    let payloadBytes = 0;
    let points = 0;
    while (records.length < maxRecords) {
      const entry = state.live.peek();
      if (!entry || (records.length > 0 && payloadBytes + entry.length > maxBytes)) break;
      state.live.shift();
      taking.push(entry);
      const payload = await this.#readPayload(entry);
      if (generation !== state.generation) return undefined;
      if (state.closed) {
        // Closing while a record was read: nothing was taken (the read may have been cut short by the close).
        state.live.unshiftAll(state.leased);
        state.leased = [];
        return undefined;
      }
      if (!payload) {
        taking.pop();
        state.consume(entry, 'corrupt');
        state.logger.warn('otlphttp queue: a damaged record was dropped');
        continue;
      }
      records.push({
        seq: entry.seq,
        enqueuedAt: entry.enqueuedAt,
        points: entry.points,
        payload,
        uncertain: state.uncertain.has(entry.seq),
      });
      payloadBytes += entry.length;
      points += entry.points;
    }
    if (records.length === 0) {
      state.leased = [];
      return undefined;
    }
    for (const r of records) state.uncertain.add(r.seq);
    const uncertainRecords = records.filter((r) => r.uncertain).length;
    state.counts.possibleDuplicates += uncertainRecords;
    state.cursorDirty = true;
    // From here a crash means this lease is sent again at the next start, counted as possible duplicates.
    await this.#cursor.write();
    if (generation !== state.generation) return undefined;
    this.#lease = { records, payloadBytes, points, uncertainRecords };
    return this.#lease;
  }

  async #readPayload(entry: QueueEntry): Promise<Uint8Array | undefined> {
    const state = this.#state;
    const { segment } = entry;
    try {
      let fd = segment.readFd;
      if (fd === undefined) {
        const generation = state.generation;
        const opened = await state.fs.openRead(segment.file);
        if (generation !== state.generation || state.closed) {
          // A purge or close ran meanwhile and forgot this segment: the descriptor would never be closed.
          await state.fs.close(opened).catch(() => undefined);
          return undefined;
        }
        segment.readFd = fd = opened;
      }
      const payload = Buffer.allocUnsafe(entry.length);
      const n = await readFully(state.fs, fd, payload, entry.offset + HEADER_BYTES);
      return n === entry.length && crc32(payload) === entry.payloadCrc ? payload : undefined;
    } catch (error) {
      state.logger.warn('otlphttp queue: cannot read a record', { error: errorCode(error) });
      return undefined;
    }
  }

  holds(lease: Lease): boolean {
    return lease === this.#lease;
  }

  /** Ends the lease: its records are done, sent (no `reason`) or dropped and counted under `reason`. */
  finish(lease: Lease, reason: DropReason | undefined): void {
    if (!this.holds(lease)) return;
    const state = this.#state;
    for (const entry of state.leased) state.consume(entry, reason);
    state.leased = [];
    this.#lease = undefined;
    state.statsFile.schedule();
  }

  release(lease: Lease, options: { answered: boolean }): void {
    if (!this.holds(lease)) return;
    const state = this.#state;
    if (options.answered) {
      for (const r of lease.records) if (!r.uncertain) state.uncertain.delete(r.seq, r.seq);
      // Nothing of this lease was delivered this time: its possible duplicates did not happen (yet).
      state.counts.possibleDuplicates -= lease.uncertainRecords;
    }
    state.live.unshiftAll(state.leased);
    state.leased = [];
    this.#lease = undefined;
    state.cursorDirty = true;
  }

  /** Forgets the lease without ending it (a purge removed its records). */
  forget(): void {
    this.#state.leased = [];
    this.#lease = undefined;
  }
}
