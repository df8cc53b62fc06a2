import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Where an export goes: written chunk by chunk, then committed (or abandoned, leaving nothing behind). */
export interface ExportSink {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Writes to a stream, waiting for `drain` so that a slow disk or pipe never makes us buffer the export. */
export function streamSink(stream: NodeJS.WritableStream): ExportSink & { failure(): Error | undefined } {
  let failure: Error | undefined;
  // Without a listener an EPIPE on stdout (`export --out - | head`) would crash the process.
  stream.on('error', (error: Error) => (failure ??= error));
  const waitForDrain = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        stream.off('drain', onDrain);
        stream.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = (): void => done();
      stream.on('drain', onDrain);
      stream.on('error', done);
    });
  return {
    failure: () => failure,
    async write(chunk) {
      if (failure) throw failure;
      if (!stream.write(chunk)) await waitForDrain();
    },
    async commit() {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => stream.write('', (error) => (error ? reject(error) : resolve())));
    },
    async abort() {},
  };
}

/**
 * Writes `file` atomically: a 0600 temp file next to it, fsync, rename over `file`, fsync of the directory.
 * A reader never sees half an export, and a failed export leaves no file at all.
 */
export async function openAtomicFileSink(file: string): Promise<ExportSink> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  // Opened here rather than by the stream, so a missing directory fails now and not at the first write.
  const handle = await fs.open(temp, 'wx', 0o600);
  const stream = handle.createWriteStream({ encoding: 'utf8' });
  const sink = streamSink(stream);
  return {
    write: (chunk) => sink.write(chunk),
    async commit() {
      // The stream closes the handle once everything is written; fsync then goes through a fresh descriptor.
      await new Promise<void>((resolve, reject) => {
        stream.once('close', () => resolve());
        stream.once('error', reject);
        stream.end();
      });
      const failure = sink.failure();
      if (failure) throw failure;
      await syncPath(temp, 'r+');
      await fs.rename(temp, file);
      await syncPath(dir, 'r');
    },
    async abort() {
      stream.destroy();
      await fs.rm(temp, { force: true });
    },
  };
}

async function syncPath(p: string, flags: string): Promise<void> {
  const handle = await fs.open(p, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
