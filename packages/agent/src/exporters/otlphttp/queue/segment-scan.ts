import type { QueueFs } from './queue-fs.js';
import type { QueueEntry, QueueSegment } from './entry-deque.js';
import { findNextHeader, HEADER_BYTES, isHeaderAt, readU64 } from './record-codec.js';

const SEGMENT_NAME = /^(\d{16})\.seg$/;
/**
 * Headers are read through a window: after small records one read covers many headers; after a large record
 * only the next header's neighbourhood is read, so large payloads are skipped, never read.
 */
const WINDOW_BYTES = 1024 * 1024;
const SMALL_WINDOW_BYTES = 4096;
const LARGE_RECORD_BYTES = 256 * 1024;
const RESYNC_CHUNK_BYTES = 1024 * 1024;

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.seg`;
}

/** The first sequence number a segment file was created for, or undefined when `name` is not a segment. */
export function segmentFirstSeq(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Bytes `[start, end)` that hold no valid frame: a damaged record, or a torn write when it reaches the end. */
export interface DamagedRegion {
  start: number;
  end: number;
}

export interface SegmentScan {
  size: number;
  /** The records found, as queue entries of `segment`. */
  records: QueueEntry[];
  damaged: DamagedRegion[];
}

export async function readFully(fs: QueueFs, fd: number, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.byteLength) {
    const n = await fs.read(fd, into.subarray(done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Walks a segment's frame headers without reading payloads (their checksums are verified when a record is
 * read to be sent). A header that fails its checksum starts a damaged region that ends at the next valid header,
 * found by scanning forward for the frame magic; a frame running past the end of the file is a torn write.
 */
export async function scanSegment(fs: QueueFs, fd: number, segment: QueueSegment): Promise<SegmentScan> {
  const size = await fs.size(fd);
  const records: QueueEntry[] = [];
  const damaged: DamagedRegion[] = [];
  const buffer = Buffer.allocUnsafe(Math.min(WINDOW_BYTES, size));
  let window = buffer.subarray(0, 0);
  let windowStart = 0;
  let lastLength = 0;

  const resync = async (from: number): Promise<number> => {
    for (let pos = from; pos < size;) {
      const chunk = Buffer.allocUnsafe(Math.min(RESYNC_CHUNK_BYTES, size - pos));
      const len = await readFully(fs, fd, chunk, pos);
      const found = findNextHeader(chunk.subarray(0, len), 0);
      if (found !== -1) return pos + found;
      if (pos + len >= size || len < HEADER_BYTES) return -1;
      pos += len - (HEADER_BYTES - 1);
    }
    return -1;
  };

  let at = 0;
  while (at < size) {
    const whole = size - at >= HEADER_BYTES;
    if (whole && (at < windowStart || at + HEADER_BYTES > windowStart + window.byteLength)) {
      const want = Math.min(lastLength > LARGE_RECORD_BYTES ? SMALL_WINDOW_BYTES : WINDOW_BYTES, size - at);
      window = buffer.subarray(0, await readFully(fs, fd, buffer.subarray(0, want), at));
      windowStart = at;
    }
    const o = at - windowStart;
    if (whole && isHeaderAt(window, o)) {
      const length = window.readUInt32BE(o + 4);
      if (at + HEADER_BYTES + length > size) {
        damaged.push({ start: at, end: size });
        break;
      }
      records.push({
        seq: readU64(window, o + 8),
        enqueuedAt: readU64(window, o + 16),
        points: window.readUInt32BE(o + 24),
        length,
        payloadCrc: window.readUInt32BE(o + 28),
        offset: at,
        segment,
      });
      lastLength = length;
      at += HEADER_BYTES + length;
      continue;
    }
    const next = await resync(at + 1);
    damaged.push({ start: at, end: next === -1 ? size : next });
    if (next === -1) break;
    at = next;
  }
  return { size, records, damaged };
}
