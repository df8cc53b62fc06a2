import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import { PrismError } from '../errors.js';
import { FileExporter } from '../exporters/file/file-exporter.js';
import { buildOtelReaders, type OtelBuildContext } from './build-otel-readers.js';
import { ConsoleTextExporter } from './console-text-exporter.js';
import { OtlpJsonLinesExporter } from './otlp-json-lines-exporter.js';
import type { OtelConfig, OtelExporterSettings, OtelReaderSettings } from './types.js';

async function context(extra: Partial<OtelBuildContext> = {}): Promise<OtelBuildContext> {
  const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'prism-otel-')), 'data');
  return { dataDir, categoryOf: () => 'health', clock: new ManualClock(), logger: createMemoryLogger(), ...extra };
}

function config(...exporters: OtelExporterSettings[]): OtelConfig {
  const readers = exporters.map((exporter, i): OtelReaderSettings => ({
    path: `meter_provider.readers[${i}]`,
    intervalMillis: 10_000,
    timeoutMillis: 5_000,
    temporality: 'cumulative',
    exporter,
  }));
  return { source: 'otel.yaml', readers, prometheus: [] };
}

const http = (endpoint: string, loopback: boolean): OtelExporterSettings => ({
  kind: 'otlp_http',
  endpoint,
  headers: {},
  timeoutMillis: 5000,
  compression: 'gzip',
  encoding: 'protobuf',
  loopback,
});

function thrown(run: () => unknown): PrismError {
  try {
    run();
  } catch (error) {
    if (error instanceof PrismError) return error;
    throw error;
  }
  throw new Error('expected a PrismError');
}

describe('buildOtelReaders', () => {
  it('builds the exporter each reader names, with its kind, destination and sharing flag', async () => {
    const ctx = await context();
    const built = buildOtelReaders(
      config(
        { kind: 'file' },
        { kind: 'console', format: 'text' },
        { kind: 'console', format: 'otlp-json' },
        http('http://127.0.0.1:4319/v1/metrics', true),
        http('https://user:pw@collector.example/v1/metrics?token=x', false),
      ),
      ctx,
    );
    expect(built.readers.map(({ id, kind, destination, sharing }) => ({ id, kind, destination, sharing }))).toEqual([
      { id: 'otel/0', kind: 'file', destination: path.join(ctx.dataDir, 'metrics'), sharing: false },
      { id: 'otel/1', kind: 'console', destination: 'stdout', sharing: false },
      { id: 'otel/2', kind: 'console', destination: 'stdout', sharing: false },
      { id: 'otel/3', kind: 'otlp_http', destination: 'http://127.0.0.1:4319/v1/metrics', sharing: false },
      { id: 'otel/4', kind: 'otlp_http', destination: 'https://collector.example/v1/metrics', sharing: true },
    ]);
    expect(built.readers[0]?.exporter).toBeInstanceOf(FileExporter);
    expect(built.readers[1]?.exporter).toBeInstanceOf(ConsoleTextExporter);
    expect(built.readers[2]?.exporter).toBeInstanceOf(OtlpJsonLinesExporter);
    expect(built.readers[0]).toMatchObject({ intervalMillis: 10_000, timeoutMillis: 5_000 });
    expect(built.readers[0]?.temporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(built.exporters).toHaveLength(5);
    await Promise.all(built.exporters.map((e) => e.shutdown()));
  });

  it('shares one file exporter: the pipelines own, or one for every file reader', async () => {
    const ctx = await context();
    const own = new FileExporter({
      dataDir: ctx.dataDir,
      categoryOf: ctx.categoryOf,
      clock: ctx.clock,
      logger: ctx.logger,
    });
    const shared = buildOtelReaders(config({ kind: 'file' }), { ...ctx, fileExporter: own });
    expect(shared.readers[0]?.exporter).toBe(own);
    expect(shared.exporters).toEqual([]);

    const fresh = buildOtelReaders(config({ kind: 'file' }, { kind: 'file', outputPath: ctx.dataDir }), ctx);
    expect(fresh.readers[0]?.exporter).toBe(fresh.readers[1]?.exporter);
    expect(fresh.exporters).toEqual([fresh.fileExporter]);
  });

  it('writes files only to the data directory', async () => {
    const ctx = await context({ homedir: tmpdir() });
    buildOtelReaders(config({ kind: 'file', outputPath: path.join(ctx.dataDir, 'metrics') }), ctx);
    const error = thrown(() => buildOtelReaders(config({ kind: 'file', outputPath: '/var/log/metrics.jsonl' }), ctx));
    expect(error.code).toBe('PT_ERR_OTEL_CONFIG');
    expect(error.message).toContain('otel.yaml: meter_provider.readers[0].periodic.exporter["otlp_file/development"]');
    expect(error.message).toContain('not /var/log/metrics.jsonl');
    expect(error.message).not.toContain(tmpdir());
  });

  it("refuses to send to the agent's own OTLP receiver", async () => {
    const ownListeners = ['http://0.0.0.0:4318'];
    const ctx = await context({ ownListeners });
    for (const endpoint of ['http://localhost:4318/v1/metrics', 'http://127.0.0.1:4318/v1/metrics']) {
      const error = thrown(() => buildOtelReaders(config(http(endpoint, true)), ctx));
      expect(error.message).toContain("is this agent's own OTLP receiver");
    }
    const other = buildOtelReaders(config(http('http://127.0.0.1:4319/v1/metrics', true)), ctx);
    expect(other.readers).toHaveLength(1);
  });

  it('maps delta temporality', async () => {
    const delta = config({ kind: 'console', format: 'text' });
    delta.readers[0]!.temporality = 'delta';
    expect(buildOtelReaders(delta, await context()).readers[0]?.temporality).toBe(AggregationTemporality.DELTA);
  });
});
