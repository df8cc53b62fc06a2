import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { checkOtlpJsonRequest, getMetricsServiceRequestType } from './proto.js';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function collectRealMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-test' }),
    readers: [reader],
  });
  const meter = provider.getMeter('proto-test', '1.0.0');
  meter.createCounter('test.requests').add(3, { outcome: 'ok' });
  meter.createHistogram('test.latency', { unit: 'ms' }).record(12.5);
  meter.createUpDownCounter('test.queue').add(-2);
  meter.createObservableGauge('test.temperature').addCallback((r) => r.observe(41.5, { zone: 'a' }));
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

function serialize(rm: ResourceMetrics): Record<string, unknown> {
  const bytes = JsonMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

describe('OTLP proto', () => {
  it('loads ExportMetricsServiceRequest once from the vendored protos', () => {
    const type = getMetricsServiceRequestType();
    expect(type.fullName).toBe('.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
    expect(getMetricsServiceRequestType()).toBe(type);
  });

  it('accepts a real request from JsonMetricsSerializer', async () => {
    const request = serialize(await collectRealMetrics());
    expect(JSON.stringify(request)).toContain('test.latency');
    expect(checkOtlpJsonRequest(request)).toEqual([]);
  });

  it('reports a key that is not a field of its message', async () => {
    const request = serialize(await collectRealMetrics()) as {
      resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, unknown>> }> }>;
    };
    const metric = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    if (!metric) throw new Error('no metric serialized');
    metric['data_points'] = [];
    expect(checkOtlpJsonRequest(request)).toEqual([
      '$.resourceMetrics[0].scopeMetrics[0].metrics[0].data_points: not a field of Metric',
    ]);
  });

  it('walks down to attribute values', async () => {
    const request = serialize(await collectRealMetrics());
    const text = JSON.stringify(request).replace('"stringValue":"ok"', '"stringValue":"ok","stringVal":"ok"');
    expect(checkOtlpJsonRequest(JSON.parse(text))).toEqual([
      expect.stringMatching(
        /^\$\.resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[\d\]\.sum\.dataPoints\[0\]\.attributes\[0\]\.value\.stringVal: not a field of AnyValue$/,
      ),
    ]);
  });

  it('reports a value of the wrong type', () => {
    expect(checkOtlpJsonRequest({ resourceMetrics: 'nope' })).not.toEqual([]);
    expect(checkOtlpJsonRequest([])).toEqual(['$: expected an object']);
  });
});
