/** One queued record as the queue indexes it: where its frame is, never its payload. */
export interface QueueEntry {
  seq: number;
  enqueuedAt: number;
  points: number;
  /** Payload bytes (the frame adds a fixed header). */
  length: number;
  payloadCrc: number;
  /** Offset of the frame in its segment. */
  offset: number;
  segment: QueueSegment;
}

/** A segment file and how many of its records are still queued or leased. */
export interface QueueSegment {
  firstSeq: number;
  file: string;
  live: number;
  readFd: number | undefined;
  /**
   * Records lost to damage that recovery could not cut out (an I/O error during the repair): counted as
   * `corrupt` once the file is deleted, or when a later start repairs it, so never twice.
   */
  unrepaired?: number;
}

/** A FIFO of entries in sequence order; `shift` is O(1) and leased entries go back to the front. */
export class EntryDeque {
  #items: QueueEntry[] = [];
  #start = 0;

  get length(): number {
    return this.#items.length - this.#start;
  }

  peek(): QueueEntry | undefined {
    return this.#items[this.#start];
  }

  shift(): QueueEntry | undefined {
    if (this.#start >= this.#items.length) return undefined;
    const entry = this.#items[this.#start++];
    if (this.#start > 4096 && this.#start * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#start);
      this.#start = 0;
    }
    return entry;
  }

  push(entry: QueueEntry): void {
    this.#items.push(entry);
  }

  unshiftAll(entries: QueueEntry[]): void {
    if (this.#start >= entries.length) {
      this.#start -= entries.length;
      for (let i = 0; i < entries.length; i++) this.#items[this.#start + i] = entries[i]!;
    } else {
      this.#items = [...entries, ...this.#items.slice(this.#start)];
      this.#start = 0;
    }
  }

  clear(): QueueEntry[] {
    const all = this.#items.slice(this.#start);
    this.#items = [];
    this.#start = 0;
    return all;
  }
}
