import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { CollectingReader } from '@prism-telemetry/privacy';
import { systemClock } from '../../packages/agent/src/component/clock.js';
import { createMemoryLogger } from '../../packages/agent/src/component/logger.js';
import { QueuedExporter } from '../../packages/agent/src/exporters/otlphttp/queued-exporter.js';
import { createHttpSender } from '../../packages/agent/src/exporters/otlphttp/sender/http-sender.js';
import { runAlternating } from '../harness/alternate.js';
import { formatRate } from '../harness/format.js';
import { ratioGoal } from '../harness/goal.js';
import { elapsedMillis, max, min } from '../harness/stats.js';
import type { BenchContext, BenchResult, Benchmark } from '../harness/types.js';

const GOAL_RATIO = 0.8;
const POINTS_PER_EXPORT = 200;

/** One delta collection of host-metric-shaped points, as a sharing pipeline exports it. */
async function collection(): Promise<ResourceMetrics> {
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-agent', 'prism.privacy_level': 'minimal' }),
    readers: [reader],
  });
  const meter = provider.getMeter('prism-telemetry/receiver/hostmetrics', '0.1.0');
  const usage = meter.createGauge('system.filesystem.utilization', { unit: '1' });
  const io = meter.createCounter('system.network.io', { unit: 'By' });
  for (let i = 0; i < POINTS_PER_EXPORT / 2; i++) {
    usage.record(i / 100, { 'system.filesystem.mountpoint': `anon:${i.toString(16).padStart(32, '0')}` });
    io.add(1e6 + i, { 'network.io.direction': i % 2 ? 'transmit' : 'receive', 'system.device': `anon:${i}` });
  }
  const metrics = await reader.collectOnce();
  await provider.shutdown();
  return metrics;
}

/** A Corrective Drift stand-in: reads each body and answers 200 with an empty protobuf response. */
async function startSink(): Promise<{ url: string; bytes: () => number; close(): Promise<void> }> {
  let bytes = 0;
  const server: Server = createServer((req, res) => {
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/collect`,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exportOnce(exporter: PushMetricExporter, metrics: ResourceMetrics): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(metrics, (result: ExportResult) =>
      result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')),
    ),
  );
}

/**
 * `sharing-queue`: points/s delivered to a local endpoint through the durable queue (each export appended and
 * fsynced before it is acknowledged, then sent in batches by the send loop) against the stock in-memory
 * `OTLPMetricExporter` (protobuf), both gzip, same payloads, same endpoint, alternating rounds.
 */
export const sharingQueue: Benchmark = {
  name: 'sharing-queue',
  summary: 'sustained send rate: durable queue + sender vs the stock OTLP/HTTP protobuf exporter (goal >= 0.8x)',
  async run({ quick, progress }: BenchContext): Promise<BenchResult> {
    const metrics = await collection();
    const sink = await startSink();
    const root = await mkdtemp(path.join(os.tmpdir(), 'prism-bench-queue-'));
    // One full batch per round: a sustained rate, not the fixed cost of opening a queue.
    const exportsPerRound = 100;
    const logger = createMemoryLogger();
    const stock = new OTLPMetricExporter({ url: sink.url, compression: CompressionAlgorithm.GZIP });
    let roundNo = 0;
    try {
      const rates = await runAlternating(
        [
          {
            label: 'durable queue',
            async round() {
              const exporter = await QueuedExporter.open({
                dir: path.join(root, `q${roundNo++}`),
                maxBytes: 256 * 1024 * 1024,
                maxAgeMillis: 7 * 86_400_000,
                sender: createHttpSender({
                  url: sink.url,
                  encoding: 'protobuf',
                  compression: 'gzip',
                  headers: {},
                  timeoutMillis: 10_000,
                  clusterId: '0'.repeat(32),
                  userAgent: 'prism-telemetry/bench',
                }),
                gate: () => ({ allowed: true, reason: 'bench' }),
                batchRecords: 100,
                flushIntervalMillis: 60_000,
                retry: { maxRetries: 3, initialBackoffMillis: 100, maxBackoffMillis: 1000 },
                clock: systemClock,
                random: Math.random,
                destination: sink.url,
                recordAttempt: async () => {},
                logger,
              });
              const start = process.hrtime.bigint();
              await exporter.start();
              for (let i = 0; i < exportsPerRound; i++) await exportOnce(exporter, metrics);
              const report = await exporter.flush();
              const seconds = elapsedMillis(start) / 1000;
              await exporter.shutdown();
              const delivered = exporter.stats().counts.sentPoints;
              if (report.remainingRecords !== 0 || delivered !== exportsPerRound * POINTS_PER_EXPORT) {
                throw new Error(
                  `sharing-queue: delivered ${delivered} points, expected ${exportsPerRound * POINTS_PER_EXPORT}`,
                );
              }
              return delivered / seconds;
            },
          },
          {
            label: 'stock OTLP exporter',
            async round() {
              const start = process.hrtime.bigint();
              for (let i = 0; i < exportsPerRound; i++) await exportOnce(stock, metrics);
              return (exportsPerRound * POINTS_PER_EXPORT) / (elapsedMillis(start) / 1000);
            },
          },
        ],
        { rounds: quick ? 3 : 9, warmupRounds: 1, progress },
      );
      const [queue, baseline] = rates as [(typeof rates)[0], (typeof rates)[0]];
      const ratio = queue.median / baseline.median;
      return {
        name: 'sharing-queue',
        title: 'Sharing: durable queue vs stock OTLP/HTTP exporter',
        method: `${exportsPerRound} sequential exports of ${POINTS_PER_EXPORT} points per round, protobuf + gzip to a local endpoint; ${rates[0]!.rates.length} alternating rounds, medians`,
        table: {
          columns: ['variant', 'median points/s', 'min', 'max'],
          rows: rates.map((r) => [r.label, formatRate(r.median), formatRate(min(r.rates)), formatRate(max(r.rates))]),
        },
        goals: [ratioGoal('durable queue / stock exporter', ratio, '>=', GOAL_RATIO)],
        ratios: [],
        measurements: {
          queuePointsPerSecond: queue.rates,
          stockPointsPerSecond: baseline.rates,
          bytesReceived: sink.bytes(),
        },
        notes: [
          'The queue acknowledges each export only after fsync, and sends up to 100 queued exports per request; the stock exporter sends one request per export and keeps nothing on disk.',
        ],
      };
    } finally {
      await stock.shutdown();
      await sink.close();
      await rm(root, { recursive: true, force: true });
    }
  },
};
