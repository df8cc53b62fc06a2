import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { post, streamChunks } from './otlp-http.test.helper.js';
import { readBody, type BodyResult } from './read-body.js';

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real server whose handler reads each body with `readBody` and reports the result. */
async function serve(options: { maxBytes: number; gzip: boolean }): Promise<{ port: number; results: BodyResult[] }> {
  const results: BodyResult[] = [];
  server = http.createServer((req, res) => {
    void readBody(req, options).then((result) => {
      results.push(result);
      res.setHeader('Connection', 'close');
      res.end(result.ok ? String(result.body.length) : String(result.status));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, results };
}

describe('readBody', () => {
  it('reads a plain body and a gzip one, whole', async () => {
    const plain = await serve({ maxBytes: 1000, gzip: false });
    await post({ port: plain.port, body: Buffer.alloc(1000, 1) });
    expect(plain.results).toEqual([{ ok: true, body: Buffer.alloc(1000, 1) }]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const gzip = await serve({ maxBytes: 1000, gzip: true });
    await post({ port: gzip.port, body: gzipSync(Buffer.alloc(1000, 2)) });
    expect(gzip.results).toEqual([{ ok: true, body: Buffer.alloc(1000, 2) }]);
  });

  it('stops a chunked body as soon as it passes the limit', async () => {
    const { port, results } = await serve({ maxBytes: 4 << 20, gzip: false });
    // The server answers and closes while the client is still writing: on a loaded machine the client may see
    // EPIPE/ECONNRESET before it reads the 413, so the server's own result is what is asserted.
    const reply = await post({ port, body: streamChunks(1 << 30, 1 << 20) }).catch(
      (error: NodeJS.ErrnoException) => error.code ?? 'unknown',
    );
    if (typeof reply === 'string') expect(['EPIPE', 'ECONNRESET']).toContain(reply);
    else expect(reply.body.toString()).toBe('413');
    expect(results).toEqual([{ ok: false, status: 413, message: 'the request body is larger than 4194304 bytes' }]);
  });

  it('stops inflating a gzip bomb at the limit on the decompressed size', async () => {
    const { port, results } = await serve({ maxBytes: 1 << 20, gzip: true });
    // 256 gzip members of 1 MiB of zeros: 256 MiB inflated, 260 KiB sent.
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat(Array.from({ length: 256 }, () => member));
    expect(bomb.length).toBeLessThan(1 << 20);
    const reply = await post({ port, body: bomb });
    expect(reply.body.toString()).toBe('413');
    expect(results[0]).toMatchObject({ ok: false, status: 413, message: expect.stringContaining('once decompressed') });
  });

  it('says 400 for a body that is not gzip, or is cut off', async () => {
    const { port, results } = await serve({ maxBytes: 1000, gzip: true });
    await post({ port, body: Buffer.from('not gzip at all') });
    await post({ port, body: gzipSync(Buffer.alloc(100)).subarray(0, 20) });
    expect(results).toEqual([
      { ok: false, status: 400, message: 'the body is not valid gzip' },
      { ok: false, status: 400, message: 'the body is not valid gzip' },
    ]);
  });

  it('settles when the client goes away in the middle of the body', async () => {
    const { port, results } = await serve({ maxBytes: 1000, gzip: false });
    await expect(
      post({
        port,
        headers: { 'content-length': '1000' },
        body: (req) => {
          req.write(Buffer.alloc(10));
          setTimeout(() => req.destroy(), 50);
        },
      }),
    ).rejects.toThrow();
    await expect.poll(() => results).toEqual([{ ok: false, status: 400, message: 'the request body was cut off' }]);
  });
});
