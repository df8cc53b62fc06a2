import { spawn } from 'node:child_process';
import path from 'node:path';
import { ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../packages/agent/src/component/logger.js';
import { OtlpReceiver } from '../packages/agent/src/receivers/otlp/otlp-receiver.js';
import { REPO_ROOT } from './support/cli.js';
import type { SentMetrics } from './support/otlp-client.js';

/*
 * Applications instrumented with the official OpenTelemetry JS exporters (OTLP/HTTP JSON and protobuf, with and
 * without gzip), each in its own process, export to a real OtlpReceiver; what arrives must be exactly what the
 * application's SDK collected.
 */

const receivers: OtlpReceiver[] = [];
afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.shutdown())));

async function startReceiver(): Promise<{ url: string; received: ResourceMetrics[] }> {
  const received: ResourceMetrics[] = [];
  const receiver = new OtlpReceiver({
    id: 'otlp',
    host: '127.0.0.1',
    port: 0,
    maxRequestBodyBytes: 20 * 1024 * 1024,
    maxConcurrentRequests: 16,
    headerTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    consume: async (rm) => {
      received.push(rm);
      return { rejectedDataPoints: 0 };
    },
    logger: createMemoryLogger(),
  });
  receivers.push(receiver);
  await receiver.start();
  return { url: `http://127.0.0.1:${receiver.address().port}/v1/metrics`, received };
}

/** Runs test/support/otlp-client.ts and returns what it says it sent and the exporter's result. */
function runClient(args: string[]): Promise<{ sent: SentMetrics; result: { code: number; error?: string } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/otlp-client.ts'), ...args],
      {
        cwd: REPO_ROOT,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = (prefix: string) =>
        stdout
          .split('\n')
          .find((l) => l.startsWith(prefix))
          ?.slice(prefix.length);
      const sent = line('SENT ');
      const result = line('RESULT ');
      if (code !== 0 || !sent || !result) reject(new Error(`otlp-client exited ${code}: ${stderr}`));
      else resolve({ sent: JSON.parse(sent) as SentMetrics, result: JSON.parse(result) as { code: number } });
    });
  });
}

const byName = (rm: ResourceMetrics): Record<string, MetricData> =>
  Object.fromEntries(rm.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));

describe.each([
  ['json', 'none'],
  ['json', 'gzip'],
  ['proto', 'none'],
  ['proto', 'gzip'],
])('the official OTLP/HTTP %s exporter, compression %s', (encoding, compression) => {
  it('delivers a counter, a gauge and a histogram exactly as the SDK collected them', async () => {
    const { url, received } = await startReceiver();
    const { sent, result } = await runClient([url, encoding, compression]);
    expect(result).toEqual({ code: 0 });
    expect(received).toHaveLength(1);
    const [resource] = received;
    expect(resource!.resource.attributes).toMatchObject({
      'service.name': 'otlp-client-test',
      'service.version': '1.2.3',
    });
    expect(resource!.scopeMetrics.map((s) => s.scope)).toEqual([{ name: 'otlp-client', version: '0.1.0' }]);

    const metrics = byName(resource!);
    expect(metrics['test.requests']).toMatchObject({
      descriptor: { name: 'test.requests', unit: '{request}', valueType: ValueType.INT },
      dataPointType: DataPointType.SUM,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      isMonotonic: true,
    });
    expect(metrics['test.requests']!.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ route: '/a' }, 8],
      [{ route: '/b' }, 4],
    ]);
    expect(metrics['test.temperature']).toMatchObject({
      descriptor: { unit: 'Cel', valueType: ValueType.DOUBLE },
      dataPointType: DataPointType.GAUGE,
    });
    expect(metrics['test.temperature']!.dataPoints.map((p) => p.value)).toEqual([21.5]);
    expect(metrics['test.latency']).toMatchObject({ dataPointType: DataPointType.HISTOGRAM });
    expect(metrics['test.latency']!.dataPoints[0]!.value).toEqual({
      buckets: { boundaries: [10, 100, 1000], counts: [1, 2, 1, 1] },
      count: 5,
      sum: 5605,
      min: 5,
      max: 5000,
    });

    // Timestamps, attributes and values, point for point, as the sending SDK had them.
    for (const [name, points] of Object.entries(sent)) {
      expect(
        metrics[name]!.dataPoints.map((p) => ({
          attributes: p.attributes,
          startTime: p.startTime,
          endTime: p.endTime,
          value: p.value,
        })),
      ).toEqual(points);
    }
  });
});
