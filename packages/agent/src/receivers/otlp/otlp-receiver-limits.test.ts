import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { ExportResultCode } from '@opentelemetry/core';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader } from '@prism-telemetry/privacy';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { PrismError } from '../../errors.js';
import { everyKindRequest } from './otlp-fixtures.test.helper.js';
import { post, startTestReceiver, stopTestReceivers, streamChunks } from './otlp-http.test.helper.js';
import { OtlpReceiver } from './otlp-receiver.js';

afterEach(stopTestReceivers);

const JSON_TYPE = { 'content-type': 'application/json' };
const validJson = () => Buffer.from(JSON.stringify(everyKindRequest()));
const statusOf = (body: Buffer) => JSON.parse(body.toString()) as { code: number; message: string };

describe('OtlpReceiver: refusals decided from the headers', () => {
  it.each([
    ['a path other than /v1/metrics', { path: '/v1/traces' }, 404],
    ['a method other than POST', { method: 'PUT' }, 405],
    ['a Host that is not this machine (DNS rebinding)', { headers: { ...JSON_TYPE, host: 'evil.example:4318' } }, 403],
    ['a Content-Type OTLP does not define', { headers: { 'content-type': 'text/plain' } }, 415],
    ['a Content-Encoding other than gzip', { headers: { ...JSON_TYPE, 'content-encoding': 'br' } }, 415],
  ])('answers %s with its status and a Status body', async (_name, request, status) => {
    const { port, consumed } = await startTestReceiver();
    const reply = await post({ port, headers: JSON_TYPE, body: validJson(), ...request });
    expect(reply.status).toBe(status);
    expect(reply.headers['connection']).toBe('close');
    expect(statusOf(reply.body).message).toMatch(/./);
    if (status === 405) expect(reply.headers['allow']).toBe('POST');
    expect(consumed).toEqual([]);
  });

  it('accepts localhost and 127.0.0.1 as Host', async () => {
    const { port } = await startTestReceiver();
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'LOCALHOST']) {
      expect((await post({ port, headers: { ...JSON_TYPE, host }, body: Buffer.from('{}') })).status).toBe(200);
    }
  });
});

describe('OtlpReceiver: 413 for bodies over max_request_body_size', () => {
  it('refuses a Content-Length over the limit before reading, even when the client waits for 100-continue', async () => {
    const { port } = await startTestReceiver({ maxRequestBodyBytes: 1024 });
    const declared = await post({
      port,
      headers: { ...JSON_TYPE, 'content-length': '1025' },
      body: Buffer.alloc(1025),
    });
    expect(declared.status).toBe(413);
    let bodySent = false;
    const waiting = await post({
      port,
      headers: { ...JSON_TYPE, 'content-length': String(1 << 30), expect: '100-continue' },
      body: (req) => req.on('continue', () => (bodySent = true)),
    });
    expect(waiting.status).toBe(413);
    expect(bodySent).toBe(false);
  });

  it('refuses a chunked body as it passes the limit, and a gzip body whose inflated size does', async () => {
    const { port } = await startTestReceiver({ maxRequestBodyBytes: 1 << 20 });
    const chunked = await post({ port, headers: JSON_TYPE, body: streamChunks(64 << 20, 64 << 10) });
    expect(chunked.status).toBe(413);
    const member = gzipSync(Buffer.alloc(1 << 20));
    const bomb = Buffer.concat([member, member]);
    const gzip = await post({ port, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: bomb });
    expect(gzip.status).toBe(413);
    expect(statusOf(gzip.body)).toEqual({
      code: 8,
      message: 'the request body is larger than 1048576 bytes once decompressed',
    });
  });
});

describe('OtlpReceiver: 503 when it cannot take more', () => {
  it('refuses requests beyond max_concurrent_requests with Retry-After, and serves the rest', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const { port } = await startTestReceiver({
      maxConcurrentRequests: 1,
      consume: async () => {
        started++;
        await gate;
        return { rejectedDataPoints: 0 };
      },
    });
    const first = post({ port, headers: JSON_TYPE, body: validJson() });
    await expect.poll(() => started).toBe(1);
    const second = await post({ port, headers: JSON_TYPE, body: validJson() });
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(statusOf(second.body).code).toBe(14);
    release();
    expect((await first).status).toBe(200);
    expect((await post({ port, headers: JSON_TYPE, body: validJson() })).status).toBe(200);
  });

  it('answers 503 with Retry-After when the consumer fails', async () => {
    const { port, logger } = await startTestReceiver({
      consume: () => Promise.reject(new Error(`disk full at ${'/home/someone'}`)),
    });
    const reply = await post({ port, headers: JSON_TYPE, body: validJson() });
    expect([reply.status, reply.headers['retry-after']]).toEqual([503, '1']);
    expect(logger.lines.join('')).toContain('reason=consumer_failed');
    expect(logger.lines.join('')).not.toContain('someone');
  });
});

describe('OtlpReceiver: 429 past max_points_per_second', () => {
  it('answers 429 with a Retry-After from the points owed, without reading the body, and takes data again', async () => {
    const clock = new ManualClock();
    // everyKindRequest holds 6 points; at 2 points/s the first request would leave 4 owed, capped at one
    // second's worth (2).
    const { port, consumed, logger } = await startTestReceiver({ maxPointsPerSecond: 2, clock });
    expect((await post({ port, headers: JSON_TYPE, body: validJson() })).status).toBe(200);
    const refused = await post({ port, headers: JSON_TYPE, body: validJson() });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.headers['connection']).toBe('close');
    expect(statusOf(refused.body)).toEqual({ code: 8, message: 'more than 2 data points per second: retry later' });
    expect(consumed).toHaveLength(1);
    expect(logger.lines.join('')).toContain('status=429 reason=rate_limited');

    clock.advance(1_000);
    expect((await post({ port, headers: JSON_TYPE, body: validJson() })).headers['retry-after']).toBe('1');
    clock.advance(1_000);
    expect((await post({ port, headers: JSON_TYPE, body: validJson() })).status).toBe(200);
    expect(consumed).toHaveLength(2);
  });

  it('keeps 503 (not 429) for a pipeline that cannot take the data, within the rate', async () => {
    const { port } = await startTestReceiver({
      maxPointsPerSecond: 1_000,
      consume: () => Promise.reject(new Error('exporter backlog')),
    });
    const reply = await post({ port, headers: JSON_TYPE, body: validJson() });
    expect([reply.status, reply.headers['retry-after']]).toEqual([503, '1']);
  });

  it('the official OTLP/HTTP exporter waits out a 429 and its data arrives on the retry', async () => {
    const { port, consumed, logger } = await startTestReceiver({ maxPointsPerSecond: 2 });
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    const counter = provider.getMeter('app').createCounter('prism.errors.critical');
    counter.add(1, { 'error.type': 'TimeoutError' });
    counter.add(1, { 'error.type': 'ParseError' });
    counter.add(1, { 'error.type': 'RangeError' });
    const metrics = await reader.collectOnce();
    await provider.shutdown();
    const exporter = new OTLPMetricExporter({ url: `http://127.0.0.1:${port}/v1/metrics`, timeoutMillis: 10_000 });
    const send = () => new Promise<number>((resolve) => exporter.export(metrics, (result) => resolve(result.code)));

    // The first export's 3 points leave 1 owed at 2 points/s: the second, sent at once, is told to wait 1 s.
    expect(await send()).toBe(ExportResultCode.SUCCESS);
    const started = performance.now();
    expect(await send()).toBe(ExportResultCode.SUCCESS);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    await exporter.shutdown();

    expect(logger.lines.join('')).toContain('status=429 reason=rate_limited');
    expect(consumed).toHaveLength(2);
    const points = consumed.flatMap((rm) =>
      rm.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes))),
    );
    const sent = ['TimeoutError', 'ParseError', 'RangeError'];
    expect(points.map((attributes) => attributes['error.type'])).toEqual([...sent, ...sent]);
  });
});

describe('OtlpReceiver: timeouts, logs and lifecycle', () => {
  it('drops a client that does not finish its headers within header_timeout', async () => {
    const { port } = await startTestReceiver({ headerTimeoutMillis: 300 });
    const socket = net.connect(port, '127.0.0.1');
    socket.write('POST /v1/metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const started = Date.now();
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    await new Promise((resolve) => socket.on('close', resolve));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('logs a refusal once per minute per reason, without request content', async () => {
    const { port, logger } = await startTestReceiver();
    for (let i = 0; i < 3; i++) await post({ port, headers: JSON_TYPE, body: Buffer.from('{"secret-value"') });
    const refusals = logger.lines.filter((line) => line.includes('OTLP request refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('status=400 reason=malformed');
    expect(logger.lines.join('')).not.toContain('secret-value');
  });

  it('closes open connections on shutdown, is safe twice, and refuses after', async () => {
    const { receiver, port } = await startTestReceiver();
    const agent = new http.Agent({ keepAlive: true });
    expect((await post({ port, agent, headers: JSON_TYPE, body: validJson() })).status).toBe(200);
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    const closed = new Promise((resolve) => idle.once('close', resolve));
    await Promise.all([receiver.shutdown(), receiver.shutdown()]);
    await closed;
    await receiver.shutdown();
    await expect(post({ port, headers: JSON_TYPE, body: validJson() })).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('says which endpoint it could not listen on, with a stable code and what to do', async () => {
    const { port } = await startTestReceiver();
    const second = new OtlpReceiver({
      id: 'otlp/apps',
      host: '127.0.0.1',
      port,
      maxRequestBodyBytes: 1024,
      maxConcurrentRequests: 1,
      headerTimeoutMillis: 1_000,
      idleTimeoutMillis: 1_000,
      consume: async () => ({ rejectedDataPoints: 0 }),
      logger: createMemoryLogger(),
    });
    expect(() => second.address()).toThrow('not listening');
    const error = await second.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PrismError);
    expect(error).toMatchObject({
      code: 'PT_ERR_RECEIVER_LISTEN',
      message: `receiver otlp/apps: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
      hint: expect.stringContaining('receivers.otlp/apps.endpoint') as unknown,
    });
    await second.shutdown();
  });
});
