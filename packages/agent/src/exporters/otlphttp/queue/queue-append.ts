import path from 'node:path';
import { errorCode } from '../../../store/fs-error.js';
import type { QueueSegment } from './entry-deque.js';
import type { QueueBounds } from './queue-bounds.js';
import type { ActiveSegment, QueueState } from './queue-state.js';
import { encodeFrame, HEADER_BYTES } from './record-codec.js';
import { segmentName } from './segment-scan.js';
import type { DropReason } from './stats-file.js';

export type AppendFailure = 'disk_full' | 'write_failed' | 'too_large' | 'closed' | 'revoked';
export type AppendResult = { queued: true; seq: number } | { queued: false; reason: AppendFailure };

interface PendingAppend {
  payload: Uint8Array;
  points: number;
  resolve: (result: AppendResult) => void;
}

const MAX_GROUP = 256;

/**
 * The write side of the queue. An append is acknowledged to the pipeline only once its frame is fsynced, and an
 * fsync costs milliseconds: appends that arrive while one is under way wait and are then written together, one
 * write and one fsync for the group. A failed write is cut back so the segment stays readable.
 */
export class QueueAppender {
  readonly #state: QueueState;
  readonly #bounds: QueueBounds;
  readonly #segmentMaxBytes: number;
  #pending: PendingAppend[] = [];
  #draining: Promise<void> | undefined;
  #diskFull = false;

  constructor(state: QueueState, bounds: QueueBounds, segmentMaxBytes: number) {
    this.#state = state;
    this.#bounds = bounds;
    this.#segmentMaxBytes = segmentMaxBytes;
  }

  /** True from a failed append for lack of space until an append succeeds again. */
  get diskFull(): boolean {
    return this.#diskFull;
  }

  /** The groups being written, if any; settles once no append is waiting. */
  get draining(): Promise<void> | undefined {
    return this.#draining;
  }

  append(payload: Uint8Array, meta: { points: number }): Promise<AppendResult> {
    if (this.#state.closed) return Promise.resolve({ queued: false, reason: 'closed' });
    if (!this.#bounds.admits(HEADER_BYTES + payload.byteLength)) {
      return Promise.resolve({ queued: false, reason: 'too_large' });
    }
    return new Promise((resolve) => {
      this.#pending.push({ payload, points: meta.points, resolve });
      this.#startDrain();
    });
  }

  /** Refuses every append not written yet as `revoked` (a purge); returns how many. */
  revokePending(): number {
    const revoked = this.#pending.splice(0);
    for (const p of revoked) p.resolve({ queued: false, reason: 'revoked' });
    return revoked.length;
  }

  /** Writes the appends that arrived while a purge held them back. */
  resume(): void {
    if (this.#pending.length > 0) this.#startDrain();
  }

  #startDrain(): void {
    if (this.#draining || this.#state.purging) return;
    this.#draining = (async () => {
      while (this.#pending.length > 0 && !this.#state.purging) {
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
    const state = this.#state;
    const { clock, logger } = state;
    const enqueuedAt = clock.now();
    const firstSeq = state.nextSeq;
    // Sequence numbers are used even when the write fails: a frame that could not be cut back must never
    // share its number with a later, acknowledged one.
    state.nextSeq += group.length;
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
          written += await state.fs.write(active.fd, data.subarray(written), start + written);
        }
        await state.fs.datasync(active.fd);
      } catch (error) {
        await state.fs.truncate(active.fd, start).catch(() => {
          active!.broken = true;
        });
        throw error;
      }
    } catch (error) {
      const code = errorCode(error);
      const reason: DropReason = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk_full' : 'write_failed';
      state.counts.dropped[reason] += group.length;
      if (reason === 'disk_full' && !this.#diskFull) logger.warn('otlphttp queue: disk full; new batches are dropped');
      if (reason === 'write_failed') logger.warn('otlphttp queue: cannot write a batch', { error: code });
      this.#diskFull = reason === 'disk_full';
      state.statsFile.schedule();
      for (const p of group) p.resolve({ queued: false, reason });
      return;
    }
    active.size = start + bytes;
    let offset = start;
    group.forEach((p, i) => {
      state.live.push({
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
    state.depthBytes += bytes;
    if (this.#diskFull) logger.info('otlphttp queue: disk space is back; batches are queued again');
    this.#diskFull = false;
    for (let i = 0; i < group.length; i++) group[i]!.resolve({ queued: true, seq: firstSeq + i });
    this.#bounds.dropOverflow();
    state.statsFile.schedule();
  }

  async #activeSegment(bytes: number, firstSeq: number): Promise<ActiveSegment> {
    const state = this.#state;
    const current = state.active;
    if (current && (current.broken || (current.size > 0 && current.size + bytes > this.#segmentMaxBytes))) {
      state.active = undefined;
      await state.fs.close(current.fd).catch(() => undefined);
      if (current.segment.live === 0) state.deletable.push(current.segment);
    }
    if (state.active) return state.active;
    const { dir } = state;
    const file = path.join(dir, segmentName(firstSeq));
    // The directory may have been emptied by `prism-telemetry` in another process (revocation).
    await state.fs.mkdir(dir);
    const fd = await state.fs.create(file);
    try {
      await state.fs.syncDir(dir);
    } catch (error) {
      await state.fs.close(fd).catch(() => undefined);
      await state.fs.unlink(file).catch(() => undefined);
      throw error;
    }
    const segment: QueueSegment = { firstSeq, file, live: 0, readFd: undefined };
    state.segments.push(segment);
    state.active = { segment, fd, size: 0, broken: false };
    return state.active;
  }
}
