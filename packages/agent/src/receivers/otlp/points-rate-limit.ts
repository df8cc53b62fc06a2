import type { Clock } from '../../component/clock.js';

export type RateAdmission = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket of data points per second for one receiver. A request is admitted while the bucket holds a
 * point (decided from the headers, so a refused body is never read or decoded); its points are charged once
 * it is decoded, and may take the bucket below zero: a request larger than a second's worth still passes when
 * the sender has been quiet, and the senders after it wait until the debt is paid. The bucket holds at most one
 * second's worth, so a quiet minute does not let a flood through, and owes at most one second's worth.
 */
export class PointsRateLimit {
  readonly #pointsPerSecond: number;
  readonly #clock: Pick<Clock, 'now'>;
  #tokens: number;
  #updatedMillis: number;

  constructor(pointsPerSecond: number, clock: Pick<Clock, 'now'>) {
    this.#pointsPerSecond = pointsPerSecond;
    this.#clock = clock;
    this.#tokens = pointsPerSecond;
    this.#updatedMillis = clock.now();
  }

  /** Whether a request may be read now; when not, how long until the bucket holds a point again. */
  admit(): RateAdmission {
    this.#refill();
    if (this.#tokens >= 1) return { ok: true };
    // Whole seconds, at least 1: Retry-After takes an integer, and 0 would invite an immediate retry.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.#tokens) / this.#pointsPerSecond)) };
  }

  /** Takes the points of an admitted request out of the bucket. */
  charge(points: number): void {
    this.#refill();
    // Debt is capped at one second's worth: one huge request must not lock every client out for minutes.
    this.#tokens = Math.max(this.#tokens - points, -this.#pointsPerSecond);
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsedMillis = Math.max(0, now - this.#updatedMillis);
    this.#updatedMillis = now;
    this.#tokens = Math.min(this.#pointsPerSecond, this.#tokens + (elapsedMillis * this.#pointsPerSecond) / 1000);
  }
}
