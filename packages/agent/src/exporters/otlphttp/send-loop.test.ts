import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import type { OutboundAttempt } from '../../state/types.js';
import { otlpRecords, partialSuccess, startSink, type CollectSink } from './queue/collect-sink.test.helper.js';
import { openQueue, queueDir, range } from './queue/queue.test.helper.js';
import { createHttpSender } from './sender/http-sender.js';
import type { Sender } from './sender/types.js';
import { backoffMillis, SendLoop, type FlushReport } from './send-loop.js';

const sinks: CollectSink[] = [];
afterEach(async () => {
  for (const sink of sinks.splice(0)) await sink.close();
});

async function setup(
  options: { batchRecords?: number; maxRetries?: number; wrapSender?: (sender: Sender) => Sender } = {},
) {
  const clock = new ManualClock();
  const dir = await queueDir();
  const { queue } = await openQueue(dir, { clock });
  const sink = await startSink(() => clock.now());
  sinks.push(sink);
  const attempts: OutboundAttempt[] = [];
  const gate = { allowed: true, checks: 0 };
  const logger = createMemoryLogger();
  const sender = createHttpSender({
    url: sink.url,
    encoding: 'protobuf',
    compression: 'gzip',
    headers: {},
    timeoutMillis: 10_000,
    clusterId: 'test-cluster',
    userAgent: 'prism-telemetry/test',
  });
  const loop = new SendLoop({
    queue,
    sender: options.wrapSender ? options.wrapSender(sender) : sender,
    gate: () => {
      gate.checks++;
      return { allowed: gate.allowed, reason: gate.allowed ? 'consented' : 'revoked' };
    },
    batchRecords: options.batchRecords ?? 5,
    flushIntervalMillis: 60_000,
    retry: { maxRetries: options.maxRetries ?? 2, initialBackoffMillis: 1000, maxBackoffMillis: 30_000 },
    clock,
    random: () => 0.5,
    destination: sink.url,
    recordAttempt: async (a) => void attempts.push(a),
    logger,
  });
  const records = otlpRecords();
  const enqueue = async (ids: number[]): Promise<void> => {
    for (const id of ids) expect((await queue.append(await records.payload(id), { points: 1 })).queued).toBe(true);
  };
  return { clock, dir, queue, sink, attempts, gate, loop, enqueue, logger };
}

/** Lets real I/O finish: the loop is idle or waiting on the (manual) clock. */
async function settle(loop: SendLoop): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (loop.activity === 'sending') await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Runs `flushNow`, moving the manual clock past each backoff as the loop reaches it. */
async function flushOnClock(loop: SendLoop, clock: ManualClock): Promise<FlushReport> {
  let report: FlushReport | undefined;
  const flushing = loop.flushNow().then((r) => (report = r));
  while (!report) {
    await settle(loop);
    const due = clock.nextDueIn();
    if (!report && loop.activity === 'waiting' && due !== undefined) clock.advance(due);
  }
  await flushing;
  return report;
}

describe('backoffMillis', () => {
  it('is full jitter below an exponential ceiling capped at the maximum, never below Retry-After', () => {
    const limits = { initialMillis: 1000, maxMillis: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMillis(n, limits, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 15999, 29999, 29999,
    ]);
    expect(backoffMillis(3, limits, () => 0)).toBe(0);
    expect(backoffMillis(1, limits, () => 0.5, 120_000)).toBe(120_000);
    expect(backoffMillis(5, limits, () => 0.5, 10)).toBe(8000);
  });
});

describe('SendLoop', () => {
  it('sends queued records in batches, once each, and logs every attempt', async () => {
    const { loop, enqueue, sink, attempts, queue, clock } = await setup({ batchRecords: 5 });
    await enqueue(range(1, 12));
    const report = await flushOnClock(loop, clock);
    expect(report).toMatchObject({ sentBatches: 3, sentRecords: 12, sentPoints: 12, remainingRecords: 0 });
    expect(report.stoppedBy).toBe('empty');
    // Concatenated protobuf requests decode as one request holding every record.
    expect(sink.accepted).toEqual([range(1, 5), range(6, 10), range(11, 12)]);
    expect(attempts.map((a) => a.result)).toEqual(['sent', 'sent', 'sent']);
    expect(attempts.every((a) => a.bytes > 0 && a.destination === sink.url && a.purpose === 'collect')).toBe(true);
    expect(queue.stats()).toMatchObject({ depthRecords: 0, lastSuccessAt: new Date(clock.now()).toISOString() });
    await loop.shutdown();
  });

  it('a sender that throws gives the lease back: the next cycle sends the batch', async () => {
    let throws = 1;
    const { loop, enqueue, sink, queue, clock, logger } = await setup({
      wrapSender: (sender) => ({
        send: (body, signal) => (throws-- > 0 ? Promise.reject(new Error('boom')) : sender.send(body, signal)),
        close: () => sender.close?.(),
      }),
    });
    await enqueue(range(1, 3));
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 0, remainingRecords: 3 });
    expect(logger.lines.join('')).toContain('send cycle failed');
    // Before the fix the lease stayed held and every later take() threw "one lease at a time".
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 3, remainingRecords: 0, stoppedBy: 'empty' });
    expect(sink.accepted).toEqual([[1, 2, 3]]);
    // Thrown mid-send: the endpoint may have had the batch, so it went out again as a possible duplicate.
    expect(queue.stats().counts.possibleDuplicates).toBe(3);
    await loop.shutdown();
  });

  it('retries a retryable failure with backoff, then keeps the batch queued for the next cycle', async () => {
    const { loop, enqueue, sink, attempts, queue, clock } = await setup({ maxRetries: 2 });
    await enqueue(range(1, 3));
    sink.answer = () => ({ status: 503 });
    const start = clock.now();
    const report = await flushOnClock(loop, clock);
    expect(report).toMatchObject({ sentBatches: 0, retries: 2, remainingRecords: 3, stoppedBy: 'retries_exhausted' });
    expect(attempts.map((a) => a.result)).toEqual(['failed:http_503', 'failed:http_503', 'failed:http_503']);
    // random() = 0.5: half of 1 s, then half of 2 s.
    expect(sink.requests.map((r) => r.at - start)).toEqual([0, 500, 1500]);
    expect(queue.stats().lastError).toEqual({ at: new Date(clock.now()).toISOString(), reason: 'http_503' });

    sink.answer = () => ({ status: 200 });
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 3, remainingRecords: 0 });
    expect(sink.accepted).toEqual([[1, 2, 3]]);
    expect(queue.stats().counts).toMatchObject({ retries: 2, possibleDuplicates: 0 });
    await loop.shutdown();
  });

  it('honours Retry-After', async () => {
    const { loop, enqueue, sink, clock } = await setup({ maxRetries: 1 });
    await enqueue([1]);
    let answers = 0;
    sink.answer = () => (answers++ === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 });
    const start = clock.now();
    await flushOnClock(loop, clock);
    expect(sink.requests.map((r) => [r.status, r.at - start])).toEqual([
      [429, 0],
      [200, 120_000],
    ]);
    await loop.shutdown();
  });

  it('drops a batch the endpoint refuses (400) once, counted, and goes on with the next', async () => {
    const { loop, enqueue, sink, attempts, queue, clock } = await setup({ batchRecords: 2 });
    await enqueue(range(1, 4));
    sink.answer = (ids) => (ids.includes(1) ? { status: 400 } : { status: 200 });
    const report = await flushOnClock(loop, clock);
    expect(report).toMatchObject({ sentRecords: 2, retries: 0, remainingRecords: 0 });
    expect(report.dropped.rejected).toBe(2);
    expect(attempts.map((a) => a.result)).toEqual(['dropped:http_400', 'sent']);
    expect(sink.requests.map((r) => r.ids)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(queue.stats().counts.dropped.rejected).toBe(2);
    await loop.shutdown();
  });

  it('keeps batches queued when the endpoint is misconfigured (a redirect), then sends them once it is fixed', async () => {
    const { loop, enqueue, sink, attempts, queue, clock } = await setup({ batchRecords: 2 });
    await enqueue(range(1, 2));
    sink.answer = () => ({ status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' } });
    const first = await flushOnClock(loop, clock);
    expect(first).toMatchObject({ sentRecords: 0, remainingRecords: 2, stoppedBy: 'retries_exhausted' });
    expect(first.dropped.rejected).toBe(0);
    expect(attempts.map((a) => a.result)).toEqual(['failed:redirect_307']);
    expect(queue.stats().lastError?.reason).toBe('redirect_307');
    sink.answer = () => ({ status: 200 });
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 2, remainingRecords: 0 });
    expect(sink.accepted).toEqual([[1, 2]]);
    await loop.shutdown();
  });

  it('counts partial_success rejected points and does not resend them', async () => {
    const { loop, enqueue, sink, queue, clock } = await setup();
    await enqueue(range(1, 3));
    sink.answer = () => ({ status: 200, body: partialSuccess(2) });
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 3, rejectedPoints: 2 });
    expect(await flushOnClock(loop, clock)).toMatchObject({ sentRecords: 0 });
    expect(sink.requests).toHaveLength(1);
    expect(queue.stats().counts.rejectedPoints).toBe(2);
    await loop.shutdown();
  });

  it('makes no request while the gate is closed, nor after it closes during a backoff', async () => {
    const { loop, enqueue, sink, gate, clock } = await setup({ maxRetries: 5 });
    await enqueue(range(1, 3));
    gate.allowed = false;
    expect(await flushOnClock(loop, clock)).toMatchObject({ stoppedBy: 'gate', remainingRecords: 3 });
    expect(sink.connections).toBe(0);

    gate.allowed = true;
    sink.answer = () => {
      gate.allowed = false; // consent revoked while the first attempt is answered
      return { status: 503 };
    };
    expect(await flushOnClock(loop, clock)).toMatchObject({ stoppedBy: 'gate', remainingRecords: 3, retries: 0 });
    expect(sink.requests).toHaveLength(1);
    await loop.shutdown();
  });

  it('shutdown stops at once in the middle of a backoff and keeps the batch queued', async () => {
    const { loop, enqueue, sink, dir, clock } = await setup({ maxRetries: 5 });
    await enqueue(range(1, 4));
    sink.answer = () => ({ status: 503 });
    await loop.start();
    await settle(loop);
    expect(loop.activity).toBe('waiting');
    await loop.shutdown(); // the manual clock never moves: only the abort can end the backoff
    await loop.shutdown();
    expect(sink.requests).toHaveLength(1);
    const { queue: reopened } = await openQueue(dir, { clock });
    const lease = await reopened.take(10);
    expect(lease?.records.map((r) => r.uncertain)).toEqual([false, false, false, false]);
    await reopened.close();
  });

  it('sends on every flush interval once started, and when a full batch is waiting', async () => {
    const { loop, enqueue, sink, clock } = await setup({ batchRecords: 3 });
    await loop.start();
    await enqueue([1]);
    await settle(loop);
    expect(sink.requests).toHaveLength(0);
    clock.advance(60_000);
    await settle(loop);
    expect(sink.accepted).toEqual([[1]]);
    await enqueue([2, 3, 4]);
    loop.queued();
    await settle(loop);
    expect(sink.accepted).toEqual([[1], [2, 3, 4]]);
    await loop.shutdown();
  });
});
