import path from 'node:path';
import { errorCode } from '../../../store/fs-error.js';
import { CURSOR_FILE, encodeCursor } from './cursor.js';
import type { QueueSegment } from './entry-deque.js';
import type { QueueState } from './queue-state.js';
import { closeQuietly } from './recover-queue.js';

/**
 * Saves consumption progress (cursor.json, see cursor.ts) and then deletes the segment files it made
 * unnecessary. Writes are chained, one at a time in the order asked for, and a segment is deleted only after a
 * cursor that no longer needs it is on disk: a crash between the two sends records again, never loses one.
 */
export class CursorWriter {
  readonly #state: QueueState;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(state: QueueState) {
    this.#state = state;
  }

  /** Settles once every write asked for so far is done. */
  get settled(): Promise<void> {
    return this.#writing;
  }

  write(): Promise<void> {
    const state = this.#state;
    this.#writing = this.#writing.then(async () => {
      const head = Math.min(
        state.leased[0]?.seq ?? state.live.peek()?.seq ?? state.nextSeq,
        state.headLimit ?? Infinity,
      );
      state.consumed.deleteBelow(head);
      state.uncertain.deleteBelow(head);
      const deletions = state.deletable.splice(0);
      // Damage recovery could not repair goes with its file: counted in the cursor written before the deletion.
      for (const segment of deletions) this.#countUnrepaired(segment);
      const content = encodeCursor({
        head,
        next: state.nextSeq,
        consumed: state.consumed,
        uncertain: state.uncertain,
        counts: state.counts,
      });
      state.cursorDirty = false;
      try {
        await state.fs.mkdir(state.dir);
        await state.fs.writeFileAtomic(path.join(state.dir, CURSOR_FILE), content);
        if (this.#failing) state.logger.info('otlphttp queue: cursor file written again');
        this.#failing = false;
      } catch (error) {
        // Progress not saved means records may be sent again after a crash; never that one is lost.
        if (!this.#failing) {
          state.logger.warn('otlphttp queue: cannot write the cursor file', { error: errorCode(error) });
        }
        this.#failing = true;
        state.cursorDirty = true;
        state.deletable.unshift(...deletions);
        return;
      }
      for (const segment of deletions) await this.#deleteSegment(segment);
    });
    return this.#writing;
  }

  #countUnrepaired(segment: QueueSegment): void {
    if (segment.live > 0 || !segment.unrepaired) return;
    this.#state.counts.dropped.corrupt += segment.unrepaired;
    segment.unrepaired = undefined;
  }

  async #deleteSegment(segment: QueueSegment): Promise<void> {
    const state = this.#state;
    if (segment.live > 0 || segment === state.active?.segment) return;
    state.segments = state.segments.filter((s) => s !== segment);
    await closeQuietly(state.fs, segment);
    await state.fs.unlink(segment.file).catch((error: unknown) => {
      state.logger.warn('otlphttp queue: cannot delete a sent segment', { error: errorCode(error) });
    });
  }
}
