import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../component/logger.js';
import { PrismError } from '../../../errors.js';
import { exportResponseBody } from '../../../receivers/otlp/otlp-response.js';
import { createHttpSender, type HttpSender, type HttpSenderOptions } from './http-sender.js';
import {
  canonical,
  encodeRequest,
  otlpJsonToProtobuf,
  sampleRequest,
  startSenderServer,
  type SenderServer,
} from './sender-server.test.helper.js';
import type { SendOutcome } from './types.js';

const API_KEY = 'pk_live_6f1c0ffee-SECRET-KEY';
const REQUEST = encodeRequest(sampleRequest());

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<SenderServer> {
  const s = await startSenderServer();
  cleanups.push(() => s.close());
  return s;
}

function sender(overrides: Partial<HttpSenderOptions> & { url: string }): HttpSender {
  const s = createHttpSender({
    encoding: 'protobuf',
    compression: 'none',
    apiKey: API_KEY,
    headers: {},
    timeoutMillis: 5000,
    clusterId: 'c-0123456789abcdef',
    userAgent: 'prism-telemetry/0.1.0',
    ...overrides,
  });
  cleanups.push(() => s.close());
  return s;
}

/** A port nothing listens on: listen, note the port, close. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('createHttpSender: what goes on the wire', () => {
  it('POSTs the protobuf request unchanged, with the headers OTLP and the endpoint need', async () => {
    const s = await server();
    const outcome = await sender({ url: s.url, headers: { 'X-Tenant': 'blue' } }).send(REQUEST);
    expect(outcome).toEqual({ kind: 'success', status: 200, rejectedDataPoints: 0, bytes: REQUEST.length });
    expect(s.requests).toHaveLength(1);
    const [received] = s.requests;
    expect(received!.method).toBe('POST');
    expect(received!.path).toBe('/v1/collect');
    expect(received!.raw.equals(REQUEST)).toBe(true);
    expect(canonical(received!.body)).toEqual(canonical(REQUEST));
    expect(received!.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-length': String(REQUEST.length),
      authorization: `Bearer ${API_KEY}`,
      'x-prism-cluster-id': 'c-0123456789abcdef',
      'user-agent': 'prism-telemetry/0.1.0',
      'x-tenant': 'blue',
    });
    expect(received!.headers['content-encoding']).toBeUndefined();
  });

  it('sends OTLP/JSON that decodes to exactly the request', async () => {
    const s = await server();
    const outcome = await sender({ url: s.url, encoding: 'json' }).send(REQUEST);
    const [received] = s.requests;
    expect(received!.headers['content-type']).toBe('application/json');
    expect(outcome).toMatchObject({ kind: 'success', bytes: received!.raw.length });
    expect(canonical(otlpJsonToProtobuf(received!.body))).toEqual(canonical(REQUEST));
  });

  it.each(['protobuf', 'json'] as const)('gzips %s, counting the compressed bytes', async (encoding) => {
    const s = await server();
    const big = encodeRequest({
      resourceMetrics: Array.from({ length: 50 }, () => (sampleRequest()['resourceMetrics'] as unknown[])[0]),
    });
    const outcome = await sender({ url: s.url, encoding, compression: 'gzip' }).send(big);
    const [received] = s.requests;
    expect(received!.headers['content-encoding']).toBe('gzip');
    expect(outcome).toMatchObject({ kind: 'success', bytes: received!.raw.length });
    expect(received!.raw.length).toBeLessThan(big.length / 4);
    const decoded = encoding === 'json' ? otlpJsonToProtobuf(received!.body) : received!.body;
    expect(canonical(decoded)).toEqual(canonical(big));
  });

  it('leaves out Authorization without a key, and lets the key win over a configured one', async () => {
    const s = await server();
    await sender({ url: s.url, apiKey: undefined }).send(REQUEST);
    await sender({ url: s.url, apiKey: '' }).send(REQUEST);
    await sender({ url: s.url, headers: { Authorization: 'Basic other' } }).send(REQUEST);
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined, `Bearer ${API_KEY}`]);
  });

  it('reuses one keep-alive connection for consecutive batches, and close() ends it', async () => {
    const s = await server();
    const one = sender({ url: s.url });
    for (let i = 0; i < 5; i++) expect((await one.send(REQUEST)).kind).toBe('success');
    expect(s.connections).toBe(1);
    one.close();
    one.close();
    expect((await one.send(REQUEST)).kind).toBe('success');
    expect(s.connections).toBe(2);
  });
});

describe('createHttpSender: what the answer means', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [400, 'failed'],
    [401, 'failed'],
    [404, 'failed'],
    [413, 'failed'],
    [500, 'failed'],
    [429, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
  ])('HTTP %i is %s', async (status, kind) => {
    const s = await server();
    s.handle = (_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('server says no, BODYTEXT');
    const outcome = await sender({ url: s.url }).send(REQUEST);
    expect(outcome.kind).toBe(kind);
    expect(outcome).toMatchObject({ status, bytes: REQUEST.length });
    if (outcome.kind !== 'success') expect(outcome.reason).toBe(`http_${status}`);
  });

  it('passes on Retry-After as delta-seconds and as an HTTP-date', async () => {
    const s = await server();
    const one = sender({ url: s.url });
    s.handle = (_req, res) => res.writeHead(503, { 'retry-after': '17' }).end();
    expect(await one.send(REQUEST)).toMatchObject({ kind: 'retryable', retryAfterMillis: 17_000 });
    s.handle = (_req, res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }).end();
    const dated = await one.send(REQUEST);
    expect(dated.kind === 'retryable' && dated.retryAfterMillis).toBeGreaterThan(100_000);
    expect(dated.kind === 'retryable' && dated.retryAfterMillis).toBeLessThanOrEqual(120_000);
    s.handle = (_req, res) => res.writeHead(503, { 'retry-after': 'tomorrow' }).end();
    expect(await one.send(REQUEST)).toMatchObject({ kind: 'retryable', retryAfterMillis: undefined });
    s.handle = (_req, res) => res.writeHead(503).end();
    expect(await one.send(REQUEST)).toMatchObject({ kind: 'retryable', retryAfterMillis: undefined });
  });

  it.each(['protobuf', 'json'] as const)('counts partial_success from a %s answer', async (format) => {
    const s = await server();
    s.handle = (_req, res) =>
      res
        .writeHead(200, { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' })
        .end(exportResponseBody(format, { rejectedDataPoints: 3, errorMessage: '3 rejected' }));
    expect(await sender({ url: s.url, encoding: format }).send(REQUEST)).toMatchObject({
      kind: 'success',
      rejectedDataPoints: 3,
    });
  });

  it('counts 0 rejected for a 2xx answer it cannot read', async () => {
    const s = await server();
    s.handle = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>ok</html>');
    expect(await sender({ url: s.url }).send(REQUEST)).toMatchObject({ kind: 'success', rejectedDataPoints: 0 });
  });

  it('does not follow a redirect, so nothing (and no key) reaches the other server', async () => {
    const elsewhere = await server();
    const s = await server();
    s.handle = (_req, res) => res.writeHead(307, { location: elsewhere.url }).end();
    const outcome = await sender({ url: s.url }).send(REQUEST);
    expect(outcome).toEqual({ kind: 'failed', status: 307, reason: 'redirect_307', bytes: REQUEST.length });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('does not read a huge answer: reads a bounded prefix, then drops the connection', async () => {
    const s = await server();
    let written = 0;
    s.handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && written < 1024 ** 3) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    };
    const outcome = await sender({ url: s.url }).send(REQUEST);
    expect(outcome).toMatchObject({ kind: 'success', status: 200, rejectedDataPoints: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // What the server got into its socket buffers before the reset; far from 1 GiB.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('createHttpSender: no answer', () => {
  it('retries a refused connection', async () => {
    const port = await closedPort();
    expect(await sender({ url: `http://127.0.0.1:${port}/v1/collect` }).send(REQUEST)).toEqual({
      kind: 'retryable',
      status: undefined,
      reason: 'ECONNREFUSED',
      retryAfterMillis: undefined,
      bytes: REQUEST.length,
    });
  });

  it('gives up on a silent server after the timeout, as retryable', async () => {
    const s = await server();
    s.handle = () => {};
    const started = performance.now();
    const outcome = await sender({ url: s.url, timeoutMillis: 300 }).send(REQUEST);
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({ kind: 'retryable', status: undefined, reason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(300 + 10_000);
  });

  it('keeps the status of an answer that stalls in its body', async () => {
    const s = await server();
    s.handle = (_req, res) => {
      res.writeHead(503, { 'content-length': '100', 'retry-after': '1' });
      res.write('partial');
    };
    expect(await sender({ url: s.url, timeoutMillis: 300 }).send(REQUEST)).toMatchObject({
      kind: 'retryable',
      status: 503,
      reason: 'http_503',
      retryAfterMillis: 1000,
    });
  });

  it('is retryable `aborted` when the signal fires, before or during the request', async () => {
    const s = await server();
    const one = sender({ url: s.url });
    expect(await one.send(REQUEST, AbortSignal.abort())).toMatchObject({ kind: 'retryable', reason: 'aborted' });
    expect(s.requests).toHaveLength(0);
    s.handle = () => {};
    const controller = new AbortController();
    const sending = one.send(REQUEST, controller.signal);
    while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await sending).toMatchObject({ kind: 'retryable', reason: 'aborted', bytes: REQUEST.length });
  });

  it('resends once on a fresh connection when a reused keep-alive socket turns out closed', async () => {
    // A raw server that answers the first request on a connection and resets the connection on the second, as a
    // server does that closed an idle connection just as the client reused it.
    let connections = 0;
    const raw = net.createServer((socket) => {
      connections++;
      let seen = 0;
      let buffered = '';
      socket.on('data', (data: Buffer) => {
        buffered += data.toString('latin1');
        for (;;) {
          const headerEnd = buffered.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, headerEnd))?.[1] ?? 0);
          if (buffered.length < headerEnd + 4 + length) return;
          buffered = buffered.slice(headerEnd + 4 + length);
          seen++;
          if (seen > 1) return void socket.resetAndDestroy();
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => raw.close(resolve)));
    const { port } = raw.address() as AddressInfo;
    const one = sender({ url: `http://127.0.0.1:${port}/v1/collect` });
    expect(await one.send(REQUEST)).toMatchObject({ kind: 'success' });
    expect(await one.send(REQUEST)).toMatchObject({ kind: 'success' });
    expect(connections).toBe(2);
  });
});

describe('createHttpSender: secrets', () => {
  it('keeps the API key, headers, query and answer text out of every outcome and log line', async () => {
    const logger = createMemoryLogger();
    const s = await server();
    const url = `${s.url}?token=QUERYSECRET`;
    const one = sender({ url, headers: { 'x-extra': 'HEADERSECRET' }, logger });
    const outcomes: SendOutcome[] = [];
    const answers: Array<(res: http.ServerResponse) => void> = [
      (res) => res.writeHead(200).end(),
      (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"BODYSECRET"}'),
      (res) => res.writeHead(503, { 'retry-after': 'BODYSECRET' }).end('BODYSECRET'),
      (res) => res.writeHead(302, { location: 'https://example.invalid/?k=BODYSECRET' }).end('BODYSECRET'),
    ];
    for (const answer of answers) {
      s.handle = (_req, res) => answer(res);
      outcomes.push(await one.send(REQUEST));
    }
    outcomes.push(
      await sender({ url: `http://127.0.0.1:${await closedPort()}/?token=QUERYSECRET`, logger }).send(REQUEST),
    );
    expect(s.requests[0]!.path).toBe('/v1/collect?token=QUERYSECRET');
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(outcomes.map((o) => o.kind)).toEqual(['success', 'failed', 'retryable', 'failed', 'retryable']);
    expect(logger.lines.length).toBeGreaterThan(0);
    const everything = JSON.stringify(outcomes) + logger.lines.join('');
    for (const secret of [API_KEY, 'SECRET-KEY', 'QUERYSECRET', 'HEADERSECRET', 'BODYSECRET', 'Bearer']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('refuses settings that cannot work, naming the setting and never the key', () => {
    const base = { url: 'https://collect.example/v1/collect' };
    const cases: Array<[Partial<HttpSenderOptions>, RegExp]> = [
      [{ url: 'not a url' }, /endpoint: is not a URL/],
      [{ url: 'ftp://collect.example/' }, /http or https/],
      [{ url: 'https://user:pw@collect.example/' }, /credentials/],
      [{ url: 'http://collect.example/v1/collect' }, /only sent over https/],
      [{ headers: { 'Content-Type': 'text/plain' } }, /headers\.Content-Type: is set by the agent/],
      [{ headers: { 'x-a': 'one\r\ntwo' } }, /headers\.x-a: has characters/],
      [{ apiKey: `${API_KEY}\n` }, /^api_key: has characters/],
      [{ timeoutMillis: 0 }, /timeout/],
    ];
    for (const [overrides, message] of cases) {
      let error: unknown;
      try {
        sender({ ...base, ...overrides });
      } catch (caught) {
        error = caught;
      }
      expect(error, message.source).toBeInstanceOf(PrismError);
      expect((error as PrismError).message).toMatch(message);
      expect(JSON.stringify({ m: (error as PrismError).message, h: (error as PrismError).hint })).not.toContain(
        'SECRET',
      );
    }
    // Plain http with a key is fine to this machine.
    expect(() => sender({ url: 'http://localhost:4318/v1/collect' })).not.toThrow();
  });
});
