/**
 * Child process for crash tests: writes records through the real FileExporter as fast as it can and
 * prints `ack <n>` after each export the exporter acknowledged. The parent kills it with SIGKILL.
 * Each record carries its sequence number as the value of `system.uptime`, so the parent can check that
 * every acknowledged record is on disk.
 */
import { ExportResultCode } from '@opentelemetry/core';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader, DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { FileExporter, createMemoryLogger, systemClock } from '@prism-telemetry/agent';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: burst-writer <data-dir>');

const reader = new CollectingReader();
const provider = new MeterProvider({ readers: [reader] });
const gauge = provider.getMeter('burst').createGauge('system.uptime');
const categories = new Map(DEFAULT_POLICY.metrics.map((m) => [m.name, m.category]));
const exporter = new FileExporter({
  dataDir,
  categoryOf: (name) => categories.get(name),
  clock: systemClock,
  logger: createMemoryLogger(),
});

for (let n = 1; ; n++) {
  gauge.record(n);
  const rm = await reader.collectOnce();
  const result = await new Promise<{ code: ExportResultCode }>((resolve) => exporter.export(rm, resolve));
  if (result.code !== ExportResultCode.SUCCESS) throw new Error('export failed');
  process.stdout.write(`ack ${n}\n`);
}
