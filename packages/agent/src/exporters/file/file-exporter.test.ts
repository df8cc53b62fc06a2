import fs from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { checkOtlpJsonRequest } from '../../otlp/proto.js';
import type { Category } from '../../store/category.js';
import { FileExporter } from './file-exporter.js';
import type { FileExporterFs } from './file-exporter-fs.js';
import { nodeFileExporterFs } from './file-exporter-fs.js';

const CATEGORY_OF: Record<string, Category> = {
  'system.cpu.utilization': 'health',
  'prism.level.changes': 'level',
  'prism.errors': 'errors',
};
const categoryOf = (name: string): Category | undefined => CATEGORY_OF[name];
const START = Date.UTC(2026, 10, 22, 23, 0); // 2026-11-22T23:00Z, an hour before the UTC day changes

let home: string;
let dataDir: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'prism-file-exporter-'));
  dataDir = path.join(home, 'data');
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Records on two meters: health and level on one, errors and an uncategorised metric on the other. */
function record(provider: MeterProvider): void {
  const host = provider.getMeter('prism.hostmetrics', '0.1.0');
  host.createObservableGauge('system.cpu.utilization').addCallback((r) => {
    r.observe(0.25, { 'cpu.mode': 'user' });
    r.observe(0.05, { 'cpu.mode': 'system' });
  });
  host.createCounter('prism.level.changes').add(1);
  const agent = provider.getMeter('prism.agent', '0.1.0');
  agent.createCounter('prism.errors').add(2, { 'error.type': 'timeout' });
  agent.createCounter('uncategorised.metric').add(5);
}

async function collect(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism' }),
    readers: [reader],
  });
  record(provider);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function exportOnce(exporter: FileExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

async function readLines(relative: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(dataDir, relative), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function metricNames(request: Record<string, unknown>): string[] {
  const text = JSON.stringify(request);
  return [...text.matchAll(/"name":"([^"]+)","(?:unit|description|gauge|sum)/g)].map((m) => m[1] ?? '');
}

describe('FileExporter', () => {
  it('writes one valid OTLP/JSON line per category through a real MeterProvider and reader', async () => {
    const clock = new ManualClock(START);
    const exporter = new FileExporter({ dataDir, categoryOf, clock, logger: createMemoryLogger() });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'prism' }),
      readers: [reader],
    });
    record(provider);
    await reader.forceFlush();
    await reader.forceFlush();

    expect((await readdir(path.join(dataDir, 'metrics'))).sort()).toEqual(['errors', 'health', 'level']);
    const health = await readLines('metrics/health/2026-11-22.jsonl');
    const level = await readLines('metrics/level/2026-11-22.jsonl');
    const errors = await readLines('metrics/errors/2026-11-22.jsonl');
    for (const request of [...health, ...level, ...errors]) expect(checkOtlpJsonRequest(request)).toEqual([]);
    expect(health.map(metricNames)).toEqual([['system.cpu.utilization'], ['system.cpu.utilization']]);
    expect(level.map(metricNames)).toEqual([['prism.level.changes'], ['prism.level.changes']]);
    expect(errors.map(metricNames)).toEqual([['prism.errors'], ['prism.errors']]);
    // Scopes without metrics of the category are left out, the resource is kept.
    expect(JSON.stringify(errors[0])).not.toContain('prism.hostmetrics');
    expect(JSON.stringify(errors[0])).toContain('"service.name"');

    const stats = exporter.stats();
    expect(stats).toMatchObject({ records: 6, points: 8, dropped: { dropped_unknown_category: 2 } });
    const sizes = await Promise.all(
      ['health', 'level', 'errors'].map(
        async (c) => (await stat(path.join(dataDir, 'metrics', c, '2026-11-22.jsonl'))).size,
      ),
    );
    expect(stats.bytes).toBe(sizes.reduce((a, b) => a + b, 0));
    await provider.shutdown();
  });

  it('creates files with mode 0600 and directories with mode 0700', async () => {
    const exporter = new FileExporter({
      dataDir,
      categoryOf,
      clock: new ManualClock(START),
      logger: createMemoryLogger(),
    });
    expect(await exportOnce(exporter, await collect())).toEqual({ code: ExportResultCode.SUCCESS });
    expect((await stat(path.join(dataDir, 'metrics', 'health'))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, 'metrics', 'health', '2026-11-22.jsonl'))).mode & 0o777).toBe(0o600);
    await exporter.shutdown();
  });

  it('switches to a new file when the UTC date changes', async () => {
    const clock = new ManualClock(START);
    const exporter = new FileExporter({ dataDir, categoryOf, clock, logger: createMemoryLogger() });
    const metrics = await collect();
    await exportOnce(exporter, metrics);
    clock.advance(60 * 60 * 1000);
    await exportOnce(exporter, metrics);
    await exportOnce(exporter, metrics);
    expect(await readLines('metrics/health/2026-11-22.jsonl')).toHaveLength(1);
    expect(await readLines('metrics/health/2026-11-23.jsonl')).toHaveLength(2);
    await exporter.shutdown();
  });

  it('on a full disk fails the export, counts disk_full, warns once, leaves no partial line, and recovers', async () => {
    // A fake: a test cannot fill a real disk portably. It writes part of the line for real, like a write that
    // runs out of space midway, then fails with ENOSPC.
    let diskFull = false;
    const enospcFs: FileExporterFs = {
      ...nodeFileExporterFs,
      write: async (fd, data) => {
        if (!diskFull) return nodeFileExporterFs.write(fd, data);
        fs.writeSync(fd, data.subarray(0, 17));
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${dataDir}'`), { code: 'ENOSPC' });
      },
    };
    const logger = createMemoryLogger();
    const exporter = new FileExporter({
      dataDir,
      categoryOf,
      clock: new ManualClock(START),
      logger,
      fsImpl: enospcFs,
      homedir: home,
    });
    const metrics = await collect();
    expect((await exportOnce(exporter, metrics)).code).toBe(ExportResultCode.SUCCESS);

    diskFull = true;
    const failed = await exportOnce(exporter, metrics);
    await exportOnce(exporter, metrics);
    expect(failed.code).toBe(ExportResultCode.FAILED);
    expect(failed.error?.message).toMatch(
      /^file exporter: cannot write ~\/data\/metrics\/\w+\/2026-11-22\.jsonl: ENOSPC/,
    );
    expect(failed.error?.message).not.toContain(home);
    expect(exporter.stats().dropped).toEqual({ dropped_unknown_category: 3, disk_full: 8 });
    const warnings = logger.lines.filter((l) => l.includes(' warn '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('code=ENOSPC');
    expect(warnings[0]).not.toContain(home);
    for (const c of ['health', 'level', 'errors'])
      expect(await readLines(`metrics/${c}/2026-11-22.jsonl`)).toHaveLength(1);

    diskFull = false;
    expect((await exportOnce(exporter, metrics)).code).toBe(ExportResultCode.SUCCESS);
    expect(logger.lines.filter((l) => l.includes('writes recovered'))).toHaveLength(1);
    expect(await readLines('metrics/health/2026-11-22.jsonl')).toHaveLength(2);
    await exporter.shutdown();
  });

  it('treats a short write as a failure and cuts it back', async () => {
    const shortWriteFs: FileExporterFs = {
      ...nodeFileExporterFs,
      write: async (fd, data) => nodeFileExporterFs.write(fd, data.subarray(0, data.length - 1)),
    };
    const exporter = new FileExporter({
      dataDir,
      categoryOf,
      clock: new ManualClock(START),
      logger: createMemoryLogger(),
      fsImpl: shortWriteFs,
    });
    const result = await exportOnce(exporter, await collect());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toContain('SHORT_WRITE');
    expect(exporter.stats()).toMatchObject({ records: 0, dropped: { write_failed: 4 } });
    expect((await stat(path.join(dataDir, 'metrics', 'health', '2026-11-22.jsonl'))).size).toBe(0);
    await exporter.shutdown();
  });

  it('fails exports after shutdown, and shutdown is safe twice', async () => {
    const exporter = new FileExporter({
      dataDir,
      categoryOf,
      clock: new ManualClock(START),
      logger: createMemoryLogger(),
    });
    const metrics = await collect();
    await exportOnce(exporter, metrics);
    await Promise.all([exporter.shutdown(), exporter.shutdown()]);
    await exporter.shutdown();
    const result = await exportOnce(exporter, metrics);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(exporter.stats().records).toBe(3);
  });

  it('asks for cumulative temporality', () => {
    const exporter = new FileExporter({
      dataDir,
      categoryOf,
      clock: new ManualClock(START),
      logger: createMemoryLogger(),
    });
    expect(exporter.selectAggregationTemporality()).toBe(AggregationTemporality.CUMULATIVE);
  });
});
