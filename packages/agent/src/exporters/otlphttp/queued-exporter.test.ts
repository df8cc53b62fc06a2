import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import type { OutboundAttempt } from '../../state/types.js';
import { otlpRecords, startSink } from './queue/collect-sink.test.helper.js';
import { diskFullFs, queueDir, range, segmentFiles } from './queue/queue.test.helper.js';
import type { QueueFs } from './queue/queue-fs.js';
import { readQueueStats } from './queue-stats.js';
import { QueuedExporter } from './queued-exporter.js';
import { createHttpSender } from './sender/http-sender.js';

const HOUR = 3600_000;
const MINUTE = 60_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { maxAgeMillis?: number; flushIntervalMillis?: number; fs?: QueueFs } = {}) {
  const clock = new ManualClock();
  const sink = await startSink(() => clock.now());
  const dir = await queueDir();
  const gate = { allowed: true };
  const attempts: OutboundAttempt[] = [];
  const sender = createHttpSender({
    url: sink.url,
    encoding: 'protobuf',
    compression: 'none',
    headers: {},
    timeoutMillis: 10_000,
    clusterId: 'test-cluster',
    userAgent: 'prism-telemetry/test',
  });
  const exporter = await QueuedExporter.open({
    dir,
    maxBytes: 64 * 1024 * 1024,
    maxAgeMillis: options.maxAgeMillis ?? 24 * HOUR,
    ...(options.fs ? { fs: options.fs } : {}),
    sender,
    gate: () => ({ allowed: gate.allowed, reason: gate.allowed ? 'consented' : 'revoked' }),
    batchRecords: 5,
    flushIntervalMillis: options.flushIntervalMillis ?? 5 * MINUTE,
    retry: { maxRetries: 3, initialBackoffMillis: 1000, maxBackoffMillis: 30_000 },
    clock,
    random: () => 0.5,
    destination: sink.url,
    recordAttempt: async (a) => void attempts.push(a),
    logger: createMemoryLogger(),
  });
  cleanups.push(
    () => sink.close(),
    () => exporter.shutdown(),
  );
  const records = otlpRecords();
  const exportRecord = async (id: number): Promise<ExportResult> => {
    const rm = await records.next(id);
    return new Promise((resolve) => exporter.export(rm, resolve));
  };

  const sending = (): boolean => exporter.sendActivity === 'sending';
  /** Moves the clock to `target` timer by timer, letting the real I/O each timer starts finish. */
  const runClockTo = async (target: number): Promise<void> => {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      while (sending()) await new Promise((resolve) => setTimeout(resolve, 1));
      const due = clock.nextDueIn();
      if (due === undefined || clock.now() + due > target) break;
      clock.advance(due);
    }
    clock.advance(target - clock.now());
    await new Promise((resolve) => setImmediate(resolve));
    while (sending()) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { clock, sink, dir, gate, attempts, exporter, exportRecord, runClockTo };
}

describe('QueuedExporter', () => {
  it('acknowledges an export once it is on disk, as delta', async () => {
    const { exporter, exportRecord, dir } = await setup();
    expect(exporter.selectAggregationTemporality()).toBe(AggregationTemporality.DELTA);
    expect((await exportRecord(1)).code).toBe(ExportResultCode.SUCCESS);
    expect(await segmentFiles(dir)).toHaveLength(1);
    expect(exporter.stats()).toMatchObject({ depthRecords: 1 });
    const empty: ResourceMetrics = { resource: (await otlpRecords().next(0)).resource, scopeMetrics: [] };
    const result = await new Promise<ExportResult>((resolve) => exporter.export(empty, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.stats().depthRecords).toBe(1);
  });

  it('on a full disk the export fails with a fixed code, is counted, and later exports are queued again', async () => {
    const fs = diskFullFs();
    const { exporter, exportRecord, dir } = await setup({ fs });
    fs.full = true;
    const failed = await exportRecord(1);
    expect(failed.code).toBe(ExportResultCode.FAILED);
    expect([failed.error?.name, failed.error?.message]).toEqual(['disk_full', 'disk_full']);
    expect(exporter.stats()).toMatchObject({ diskFull: true, counts: { dropped: { disk_full: 1 } } });
    fs.full = false;
    expect((await exportRecord(2)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(await readQueueStats(dir)).toMatchObject({
      diskFull: false,
      depthRecords: 1,
      counts: { dropped: { disk_full: 1 } },
    });
  });

  it('a 12-hour outage on a manual clock: what is within the age limit arrives exactly once, the rest expires', async () => {
    const { clock, sink, exporter, exportRecord, runClockTo, attempts, dir } = await setup({
      maxAgeMillis: 6 * HOUR,
      flushIntervalMillis: 5 * MINUTE,
    });
    const t0 = clock.now();
    await exporter.start();
    sink.answer = () => ({ status: 503 }); // first half: the endpoint answers 503
    for (const k of range(1, 72)) {
      await runClockTo(t0 + k * 10 * MINUTE);
      expect((await exportRecord(k)).code).toBe(ExportResultCode.SUCCESS);
      if (k === 36) await sink.stop(); // second half: nothing listens (connection refused)
    }
    await runClockTo(t0 + 12 * HOUR + 3 * MINUTE);
    expect(sink.accepted).toEqual([]);
    const refused = attempts.filter((a) => a.result === 'failed:ECONNREFUSED').length;
    expect(attempts.filter((a) => a.result === 'failed:http_503').length).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);

    sink.answer = () => ({ status: 200 });
    await sink.listen();
    await runClockTo(t0 + 12 * HOUR + 30 * MINUTE);
    // The first tick after the endpoint is back is 12 h 05 min: records queued before 6 h 05 min have expired.
    const arrived = sink.accepted.flat();
    expect(arrived).toEqual(range(37, 72));
    expect(new Set(sink.requests.filter((r) => r.status === 200).map((r) => r.at))).toEqual(
      new Set([t0 + 12 * HOUR + 5 * MINUTE]),
    );
    expect(exporter.stats()).toMatchObject({
      depthRecords: 0,
      counts: {
        sentRecords: 36,
        sentBatches: 8,
        possibleDuplicates: 0,
        dropped: { expired: 36, overflow: 0, corrupt: 0, rejected: 0 },
      },
    });
    await exporter.shutdown();
    expect(await readQueueStats(dir)).toMatchObject({ depthRecords: 0, counts: { dropped: { expired: 36 } } });
  });

  it('revoking consent with 1,000 queued batches: queue empty, zero further requests', async () => {
    const { sink, exporter, exportRecord, runClockTo, gate, clock, dir } = await setup();
    sink.answer = () => ({ status: 503 });
    const results = await Promise.all(range(1, 1000).map((id) => exportRecord(id)));
    expect(results.every((r) => r.code === ExportResultCode.SUCCESS)).toBe(true);
    await exporter.start();
    await runClockTo(clock.now() + 2000); // the first attempts fail and the loop waits in a backoff
    expect(exporter.stats().depthRecords).toBe(1000);
    const requestsBefore = sink.requests.length;
    const connectionsBefore = sink.connections;
    expect(requestsBefore).toBeGreaterThan(0);

    gate.allowed = false;
    expect(await exporter.purge()).toBe(1000);
    sink.answer = () => ({ status: 200 });
    await runClockTo(clock.now() + 2 * HOUR);
    await exporter.flush();
    expect(sink.requests.length).toBe(requestsBefore);
    expect(sink.connections).toBe(connectionsBefore);
    expect(exporter.stats()).toMatchObject({ depthRecords: 0, depthBytes: 0, counts: { dropped: { revoked: 1000 } } });
    expect(await segmentFiles(dir)).toEqual([]);
    await exporter.shutdown();
    expect(await readQueueStats(dir)).toMatchObject({ depthRecords: 0, counts: { dropped: { revoked: 1000 } } });
  });
});
