import type { QueueState } from './queue-state.js';

export interface QueueBoundsOptions {
  /** Queued bytes (frames on disk) above which the oldest records are dropped, counted as `overflow`. */
  maxBytes: number;
  /** Records older than this are dropped oldest-first, counted as `expired`. */
  maxAgeMillis: number;
}

/**
 * Keeps the queue within its size (`max_size`) and age (`max_age`) limits. An outage must not fill the disk
 * nor send stale data once the endpoint is back, so the oldest records go first, each counted with its reason.
 * Leased records are never dropped here: the sender holds them.
 */
export class QueueBounds {
  readonly #state: QueueState;
  readonly #options: QueueBoundsOptions;

  constructor(state: QueueState, options: QueueBoundsOptions) {
    this.#state = state;
    this.#options = options;
  }

  /**
   * Whether a record of `frameBytes` can be queued at all: one bigger than the whole queue would only push out
   * everything else and then itself. A refusal is counted as `overflow`.
   */
  admits(frameBytes: number): boolean {
    if (frameBytes <= this.#options.maxBytes) return true;
    this.#state.counts.dropped.overflow++;
    this.#state.statsFile.schedule();
    return false;
  }

  /** Drops the oldest queued records until the queue is within `maxBytes` again. */
  dropOverflow(): void {
    const state = this.#state;
    let dropped = 0;
    while (state.depthBytes > this.#options.maxBytes) {
      const oldest = state.live.shift();
      if (!oldest) break;
      state.consume(oldest, 'overflow');
      dropped++;
    }
    if (dropped > 0) state.logger.warn('otlphttp queue: full; oldest batches dropped', { records: dropped });
  }

  /** Drops queued records older than `maxAgeMillis`, oldest first; returns how many. */
  sweepExpired(): number {
    const state = this.#state;
    const cutoff = state.clock.now() - this.#options.maxAgeMillis;
    let expired = 0;
    for (let e = state.live.peek(); e && e.enqueuedAt < cutoff; e = state.live.peek()) {
      state.live.shift();
      state.consume(e, 'expired');
      expired++;
    }
    if (expired > 0) state.statsFile.schedule();
    return expired;
  }
}
