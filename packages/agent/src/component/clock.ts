/** A cancellable repeating timer. */
export interface Ticker {
  cancel(): void;
}

/**
 * Time source injected into everything that reads the time or waits, so tests control time.
 * Real timers are `unref()`'d: a timer never keeps the process alive on its own.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  every(intervalMillis: number, tick: () => void): Ticker;
  /** Runs `fire` once after `delayMillis` (a backoff, a timeout). */
  after(delayMillis: number, fire: () => void): Ticker;
}

/** Resolves after `delayMillis` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, delayMillis: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = clock.after(delayMillis, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(intervalMillis, tick) {
    const timer = setInterval(tick, intervalMillis);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
  after(delayMillis, fire) {
    const timer = setTimeout(fire, delayMillis);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A clock that only moves when the test says so. `advance` runs due ticks in time order. */
export class ManualClock implements Clock {
  #now: number;
  #tickers = new Set<{ next: number; interval: number; tick: () => void; once?: boolean }>();

  constructor(startMillis = Date.UTC(2026, 0, 1)) {
    this.#now = startMillis;
  }

  now(): number {
    return this.#now;
  }

  every(intervalMillis: number, tick: () => void): Ticker {
    const entry = { next: this.#now + intervalMillis, interval: intervalMillis, tick };
    this.#tickers.add(entry);
    return { cancel: () => this.#tickers.delete(entry) };
  }

  after(delayMillis: number, fire: () => void): Ticker {
    const entry = { next: this.#now + delayMillis, interval: 0, tick: fire, once: true };
    this.#tickers.add(entry);
    return { cancel: () => this.#tickers.delete(entry) };
  }

  /** Milliseconds until the next due timer; undefined when none is set. */
  nextDueIn(): number | undefined {
    let next: number | undefined;
    for (const t of this.#tickers) if (next === undefined || t.next < next) next = t.next;
    return next === undefined ? undefined : Math.max(0, next - this.#now);
  }

  advance(millis: number): void {
    const target = this.#now + millis;
    for (;;) {
      let due: { next: number; interval: number; tick: () => void; once?: boolean } | undefined;
      for (const t of this.#tickers) if (t.next <= target && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.#now = due.next;
      if (due.once) this.#tickers.delete(due);
      else due.next += due.interval;
      due.tick();
    }
    this.#now = target;
  }
}
