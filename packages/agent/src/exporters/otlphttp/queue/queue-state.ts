import type { Clock } from '../../../component/clock.js';
import type { Logger } from '../../../component/logger.js';
import { EntryDeque, type QueueEntry, type QueueSegment } from './entry-deque.js';
import type { QueueFs } from './queue-fs.js';
import { HEADER_BYTES } from './record-codec.js';
import { SeqRanges } from './seq-ranges.js';
import { zeroCounts, type DropReason, type QueueCounts, type StatsFile } from './stats-file.js';

/** The segment file appends go to, open for writing. */
export interface ActiveSegment {
  segment: QueueSegment;
  fd: number;
  size: number;
  /** A failed write could not be cut back: nothing more is appended to this file. */
  broken: boolean;
}

export interface QueueStateOptions {
  dir: string;
  fs: QueueFs;
  clock: Clock;
  logger: Logger;
  statsFile: StatsFile;
}

/**
 * What the durable queue's pieces (append, bounds, lease, cursor writes, purge) share: the index of queued and
 * leased records, the segment files they sit in, and consumption progress. One object, so that each piece can
 * live in a file of its own while every record leaves the queue through `consume`, which keeps the depth, the
 * segments' live counts and the cursor in step.
 */
export class QueueState {
  readonly dir: string;
  readonly fs: QueueFs;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly statsFile: StatsFile;
  /** Queued records, oldest first; leased ones are in `leased`. */
  readonly live = new EntryDeque();
  /** The records of the lease under way (or being taken), in sequence order. */
  leased: QueueEntry[] = [];
  segments: QueueSegment[] = [];
  active: ActiveSegment | undefined;
  /** Bumped by `purge`: a lease or read from before it is void. */
  generation = 0;
  /** A purge under way: appends wait for it. */
  purging: Promise<void> | undefined;
  closed = false;
  nextSeq = 1;
  depthBytes = 0;
  consumed = new SeqRanges();
  uncertain = new SeqRanges();
  cursorDirty = false;
  /** Segments with no queued record left, deleted once a cursor covering them is on disk. */
  deletable: QueueSegment[] = [];
  /** The cursor's head stays at or below this: a segment left unread at recovery (an I/O error) holds records. */
  headLimit: number | undefined;
  counts: QueueCounts = zeroCounts();

  constructor(options: QueueStateOptions) {
    this.dir = options.dir;
    this.fs = options.fs;
    this.clock = options.clock;
    this.logger = options.logger;
    this.statsFile = options.statsFile;
  }

  /** `entry` is done: sent (no `reason`), or dropped and counted under `reason`. */
  consume(entry: QueueEntry, reason?: DropReason): void {
    this.consumed.add(entry.seq);
    this.depthBytes -= HEADER_BYTES + entry.length;
    entry.segment.live--;
    if (entry.segment.live === 0 && entry.segment !== this.active?.segment) this.deletable.push(entry.segment);
    if (reason) this.counts.dropped[reason]++;
    this.cursorDirty = true;
  }
}
