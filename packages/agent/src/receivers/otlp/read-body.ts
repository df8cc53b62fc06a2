import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const GUNZIP_CHUNK_BYTES = 128 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; message: string };

export interface ReadBodyOptions {
  /** Limit on the bytes after gzip is undone. */
  maxBytes: number;
  gzip: boolean;
}

/**
 * Reads a request body into one buffer, undoing gzip as it streams, and stops as soon as the (decompressed)
 * size passes `maxBytes`: a gzip bomb costs the time to inflate `maxBytes`, and memory for that much, no more.
 * Never rejects. On failure the request is left unread; the caller answers and closes the connection.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    // Large output chunks: each one is a round trip to zlib's thread, and a bomb inflates 20 MiB of them.
    const gunzip = options.gzip ? createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }) : undefined;
    const source: Readable = gunzip ?? req;

    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      req.removeListener('close', onClose);
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      if (!result.ok) chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > options.maxBytes) {
        settle({
          ok: false,
          status: 413,
          message: `the request body is larger than ${options.maxBytes} bytes${options.gzip ? ' once decompressed' : ''}`,
        });
        return;
      }
      chunks.push(chunk);
    };
    const onClose = (): void => {
      if (!req.complete) settle({ ok: false, status: 400, message: 'the request body was cut off' });
    };

    source.on('data', onData);
    source.once('end', () => settle({ ok: true, body: Buffer.concat(chunks, total) }));
    req.once('close', onClose);
    req.once('error', () => settle({ ok: false, status: 400, message: 'the request body was cut off' }));
    if (gunzip) {
      gunzip.once('error', () => settle({ ok: false, status: 400, message: 'the body is not valid gzip' }));
      req.pipe(gunzip);
    }
  });
}
