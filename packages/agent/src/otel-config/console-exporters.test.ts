import { PassThrough } from 'node:stream';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { checkOtlpJsonRequest } from '../otlp/proto.js';
import { ConsoleTextExporter } from './console-text-exporter.js';
import { OtlpJsonLinesExporter } from './otlp-json-lines-exporter.js';
import { collectSample } from './otlp-test-server.test.helper.js';

async function printed(
  create: (out: PassThrough) => PushMetricExporter,
): Promise<{ text: string; results: ExportResult[] }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exporter = create(out);
  const metrics = await collectSample();
  const results = [await new Promise<ExportResult>((resolve) => exporter.export(metrics, resolve))];
  await exporter.shutdown();
  results.push(await new Promise<ExportResult>((resolve) => exporter.export(metrics, resolve)));
  return { text: Buffer.concat(chunks).toString('utf8'), results };
}

describe('stdout exporters', () => {
  it('console prints each metric with its points, and fails after shutdown', async () => {
    const { text, results } = await printed((out) => new ConsoleTextExporter({ out }));
    expect(text).toContain("name: 'system.memory.utilization'");
    expect(text).toContain("'network.io.direction': 'receive'");
    expect(text).toContain('value: 1234');
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
  });

  it('output_stream: stdout prints one valid OTLP/JSON request per line', async () => {
    const { text, results } = await printed((out) => new OtlpJsonLinesExporter({ out }));
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(checkOtlpJsonRequest(JSON.parse(lines[0]!))).toEqual([]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
  });
});
