/*
 * An application instrumented with the official OpenTelemetry JS SDK, exporting once to an OTLP/HTTP endpoint:
 *   node --import tsx test/support/otlp-client.ts <url> <json|proto> [gzip|none]
 * It records known values, prints what it sends (`SENT <json>`, timestamps as [seconds, nanoseconds]) and the
 * export result (`RESULT <json>`), then exits. A separate process, so the receiver under test shares nothing
 * with the sender but the socket.
 */
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface SentPoint {
  attributes: Record<string, unknown>;
  startTime: [number, number];
  endTime: [number, number];
  value: unknown;
}

export type SentMetrics = Record<string, SentPoint[]>;

function describe(rm: ResourceMetrics): SentMetrics {
  const sent: SentMetrics = {};
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      sent[metric.descriptor.name] = metric.dataPoints.map((p) => ({
        attributes: p.attributes,
        startTime: [p.startTime[0], p.startTime[1]],
        endTime: [p.endTime[0], p.endTime[1]],
        value: p.value,
      }));
    }
  }
  return sent;
}

async function main(): Promise<void> {
  const [url, encoding, compression] = process.argv.slice(2);
  if (!url || (encoding !== 'json' && encoding !== 'proto')) {
    process.stderr.write('usage: otlp-client.ts <url> <json|proto> [gzip|none]\n');
    process.exit(2);
  }
  const reader = new OnDemandReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'otlp-client-test', 'service.version': '1.2.3' }),
    readers: [reader],
  });
  const meter = provider.getMeter('otlp-client', '0.1.0');
  const requests = meter.createCounter('test.requests', { valueType: ValueType.INT, unit: '{request}' });
  requests.add(3, { route: '/a' });
  requests.add(4, { route: '/b' });
  requests.add(5, { route: '/a' });
  meter.createGauge('test.temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
  const latency = meter.createHistogram('test.latency', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: [10, 100, 1000] },
  });
  for (const value of [5, 50, 50, 500, 5000]) latency.record(value, { outcome: 'ok' });

  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error('collection failed');
  process.stdout.write(`SENT ${JSON.stringify(describe(resourceMetrics))}\n`);

  const config = {
    url,
    ...(compression === 'gzip'
      ? { compression: CompressionAlgorithm.GZIP }
      : { compression: CompressionAlgorithm.NONE }),
  };
  const exporter = encoding === 'json' ? new JsonExporter(config) : new ProtoExporter(config);
  const result = await new Promise<{ code: number; error?: string }>((resolve) =>
    exporter.export(resourceMetrics, (r) => resolve({ code: r.code, ...(r.error ? { error: r.error.message } : {}) })),
  );
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await exporter.shutdown();
  await provider.shutdown();
}

await main();
