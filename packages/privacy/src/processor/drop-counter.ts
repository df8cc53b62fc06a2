import type { DropReason } from './drop-reasons.js';

/** Counts what the privacy policy removed, by reason. Never records what the removed thing was. */
export class DropCounter {
  #counts = new Map<DropReason, number>();
  #listeners: Array<(reason: DropReason, count: number) => void> = [];

  add(reason: DropReason, count = 1): void {
    if (count <= 0) return;
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + count);
    for (const listener of this.#listeners) listener(reason, count);
  }

  /** Called on every drop, e.g. to feed the `prism.privacy.dropped` counter. */
  onDrop(listener: (reason: DropReason, count: number) => void): void {
    this.#listeners.push(listener);
  }

  snapshot(): Partial<Record<DropReason, number>> {
    return Object.fromEntries(this.#counts);
  }

  total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }
}
