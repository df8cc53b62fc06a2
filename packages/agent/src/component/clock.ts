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
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(intervalMillis, tick) {
    const timer = setInterval(tick, intervalMillis);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

/** A clock that only moves when the test says so. `advance` runs due ticks in time order. */
export class ManualClock implements Clock {
  #now: number;
  #tickers = new Set<{ next: number; interval: number; tick: () => void }>();

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

  advance(millis: number): void {
    const target = this.#now + millis;
    for (;;) {
      let due: { next: number; interval: number; tick: () => void } | undefined;
      for (const t of this.#tickers) if (t.next <= target && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.#now = due.next;
      due.next += due.interval;
      due.tick();
    }
    this.#now = target;
  }
}
