/** A set of record sequence numbers kept as sorted, disjoint, inclusive ranges: small on disk and in memory. */
export class SeqRanges {
  #ranges: Array<[number, number]> = [];

  static from(json: unknown): SeqRanges {
    const ranges = new SeqRanges();
    if (!Array.isArray(json)) return ranges;
    for (const r of json) {
      if (Array.isArray(r) && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) && r[0] <= r[1]) {
        ranges.addRange(r[0] as number, r[1] as number);
      }
    }
    return ranges;
  }

  get size(): number {
    return this.#ranges.length;
  }

  add(seq: number): void {
    this.addRange(seq, seq);
  }

  addRange(from: number, to: number): void {
    const ranges = this.#ranges;
    // Removals arrive mostly in order, so the common case is touching or extending the last range.
    const last = ranges[ranges.length - 1];
    if (!last || from > last[1] + 1) {
      ranges.push([from, to]);
      return;
    }
    if (from >= last[0] && from <= last[1] + 1) {
      last[1] = Math.max(last[1], to);
      return;
    }
    const merged: Array<[number, number]> = [];
    let placed = false;
    for (const r of ranges) {
      if (r[1] + 1 < from) merged.push(r);
      else if (to + 1 < r[0]) {
        if (!placed) merged.push([from, to]);
        placed = true;
        merged.push(r);
      } else {
        from = Math.min(from, r[0]);
        to = Math.max(to, r[1]);
      }
    }
    if (!placed) merged.push([from, to]);
    this.#ranges = merged;
  }

  has(seq: number): boolean {
    let lo = 0;
    let hi = this.#ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.#ranges[mid]!;
      if (seq < r[0]) hi = mid - 1;
      else if (seq > r[1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  delete(from: number, to: number): void {
    const kept: Array<[number, number]> = [];
    for (const r of this.#ranges) {
      if (r[1] < from || r[0] > to) kept.push(r);
      else {
        if (r[0] < from) kept.push([r[0], from - 1]);
        if (r[1] > to) kept.push([to + 1, r[1]]);
      }
    }
    this.#ranges = kept;
  }

  /** Forgets everything below `seq`. */
  deleteBelow(seq: number): void {
    if (this.#ranges.length === 0 || this.#ranges[0]![0] >= seq) return;
    this.delete(-Infinity, seq - 1);
  }

  clear(): void {
    this.#ranges = [];
  }

  toJSON(): Array<[number, number]> {
    return this.#ranges.map((r) => [r[0], r[1]]);
  }
}
