import { createReadStream } from 'node:fs';

/** A line longer than this is not a record we wrote; it is reported, not buffered. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface FileLine {
  /** 1-based line number. */
  line: number;
  /** The line without its newline; undefined when it was longer than `maxLineBytes` (and skipped). */
  text: string | undefined;
  /** Bytes of the file consumed so far, for progress reports. */
  bytesRead: number;
}

/**
 * The lines of a file, one at a time, in bounded memory. node:readline would do, except that it buffers a
 * line of any length: one corrupted, newline-free gigabyte would be held whole. Empty lines are yielded too,
 * so line numbers match what an editor shows.
 */
export async function* readLines(file: string, options: { maxLineBytes?: number } = {}): AsyncGenerator<FileLine> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let line = 0;
  let bytesRead = 0;
  const take = (tail: Buffer): FileLine => {
    line++;
    const text = overflow ? undefined : Buffer.concat([...pending, tail]).toString('utf8');
    pending = [];
    pendingBytes = 0;
    overflow = false;
    return { line, text: text?.endsWith('\r') ? text.slice(0, -1) : text, bytesRead };
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const tail = chunk.subarray(start, nl);
      if (pendingBytes + tail.length > maxLineBytes) overflow = true;
      yield take(overflow ? Buffer.alloc(0) : tail);
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) continue;
    if (overflow || pendingBytes + rest.length > maxLineBytes) {
      overflow = true;
      pending = [];
      pendingBytes = 0;
    } else {
      // Copy: a slice would keep the whole read chunk alive.
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0 || overflow) yield take(Buffer.alloc(0));
}
