import type { Logger } from '../../component/logger.js';

type Fields = Record<string, string | number | boolean>;

/**
 * Warns at most once per interval for each kind of event, then says how many were not logged. A sender that
 * retries a bad request every second, or a flood of them, must not fill the agent's log.
 */
export class WarnLimiter {
  readonly #logger: Logger;
  readonly #intervalMillis: number;
  readonly #now: () => number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(logger: Logger, options: { intervalMillis?: number; now?: () => number } = {}) {
    this.#logger = logger;
    this.#intervalMillis = options.intervalMillis ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** `kind` must come from a small fixed set (a status, a reason token): one entry is kept per kind. */
  warn(kind: string, message: string, fields: Fields): void {
    const now = this.#now();
    const last = this.#last.get(kind);
    if (last && now - last.at < this.#intervalMillis) {
      last.suppressed++;
      return;
    }
    this.#last.set(kind, { at: now, suppressed: 0 });
    this.#logger.warn(message, last?.suppressed ? { ...fields, not_logged_since_last: last.suppressed } : fields);
  }
}
