/**
 * Child process for the sharing queue's crash tests: a real QueuedExporter (durable queue + send loop + HTTP
 * sender) on real time. Prints `open <millis>` (time to open and recover the queue), then:
 * - `burst <dir> <url> <firstId>`: exports records `firstId, firstId+1, ...` as fast as it can while the loop
 *   sends, printing `ack <id>` once each export is acknowledged (on disk). The parent kills it with SIGKILL.
 * - `hold <dir> <url> <firstId> <count>`: exports `count` records, prints their acks and `held`, then waits;
 *   SIGTERM shuts the exporter down and exits 0.
 * - `drain <dir> <url>`: sends everything queued, prints `stats <json>` and exits.
 * Each record is one gauge point whose value is its id, so the parent's endpoint can tell which arrived.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { systemClock } from '../../packages/agent/src/component/clock.js';
import { createStderrLogger } from '../../packages/agent/src/component/logger.js';
import { otlpRecords } from '../../packages/agent/src/exporters/otlphttp/queue/collect-sink.test.helper.js';
import { QueuedExporter } from '../../packages/agent/src/exporters/otlphttp/queued-exporter.js';
import { createHttpSender } from '../../packages/agent/src/exporters/otlphttp/sender/http-sender.js';

const [mode, dir, url, firstIdText, countText] = process.argv.slice(2);
if (!mode || !dir || !url) throw new Error('usage: queue-crash-child <burst|hold|drain> <dir> <url> [firstId] [count]');

const started = performance.now();
const exporter = await QueuedExporter.open({
  dir,
  maxBytes: 256 * 1024 * 1024,
  maxAgeMillis: 24 * 3600_000,
  sender: createHttpSender({
    url,
    encoding: 'protobuf',
    compression: 'none',
    headers: {},
    timeoutMillis: 2000,
    clusterId: 'crash-test',
    userAgent: 'prism-telemetry/test',
  }),
  gate: () => ({ allowed: true, reason: 'consented' }),
  batchRecords: 1 + Math.floor(Math.random() * 8),
  flushIntervalMillis: 20,
  retry: { maxRetries: 2, initialBackoffMillis: 5, maxBackoffMillis: 50 },
  clock: systemClock,
  random: Math.random,
  destination: url,
  recordAttempt: async () => undefined,
  logger: createStderrLogger(),
});
process.stdout.write(`open ${(performance.now() - started).toFixed(1)}\n`);
const records = otlpRecords();

async function exportOne(id: number): Promise<void> {
  const rm = await records.next(id);
  const result = await new Promise<ExportResult>((resolve) => exporter.export(rm, resolve));
  if (result.code !== ExportResultCode.SUCCESS) throw new Error(`export failed: ${result.error?.message}`);
  process.stdout.write(`ack ${id}\n`);
}

if (mode === 'drain') {
  await exporter.start();
  while (exporter.stats().depthRecords > 0) {
    const report = await exporter.flush();
    if (report.stoppedBy !== 'empty') await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await exporter.shutdown();
  process.stdout.write(`stats ${JSON.stringify(exporter.stats())}\n`);
} else if (mode === 'hold') {
  process.on('SIGTERM', () => {
    void exporter.shutdown().then(() => process.exit(0));
  });
  await exporter.start();
  const first = Number(firstIdText);
  for (let id = first; id < first + Number(countText); id++) await exportOne(id);
  process.stdout.write('held\n');
  setInterval(() => undefined, 1000); // stays up until the signal
} else {
  await exporter.start();
  for (let id = Number(firstIdText); ; id++) {
    await exportOne(id);
    // Vary the rhythm so the kill lands in appends, fsyncs, cursor writes and requests alike.
    if (Math.random() < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  }
}
