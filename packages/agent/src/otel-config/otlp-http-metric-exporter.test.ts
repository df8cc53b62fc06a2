import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpHttpMetricExporter } from './otlp-http-metric-exporter.js';
import {
  collectSample,
  metricNames,
  startOtlpTestServer,
  type OtlpTestServer,
} from './otlp-test-server.test.helper.js';
import type { OtlpHttpSettings } from './types.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(): Promise<OtlpTestServer> {
  const started = await startOtlpTestServer();
  cleanup.push(() => started.close());
  return started;
}

function settings(endpoint: string, extra: Partial<OtlpHttpSettings> = {}): OtlpHttpSettings {
  return {
    kind: 'otlp_http',
    endpoint,
    headers: {},
    timeoutMillis: 5000,
    compression: 'none',
    encoding: 'protobuf',
    loopback: true,
    ...extra,
  };
}

function exportOnce(exporter: PushMetricExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  cleanup.push(() => exporter.shutdown());
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

describe('createOtlpHttpMetricExporter', () => {
  it('posts protobuf, gzip-compressed, with the configured headers', async () => {
    const endpoint = await server();
    const exporter = createOtlpHttpMetricExporter(
      settings(`${endpoint.url}/v1/metrics`, { compression: 'gzip', headers: { 'x-tenant': 'home' } }),
    );
    expect((await exportOnce(exporter, await collectSample())).code).toBe(ExportResultCode.SUCCESS);
    const [received] = endpoint.requests;
    expect(received).toMatchObject({
      method: 'POST',
      path: '/v1/metrics',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', 'x-tenant': 'home' },
    });
    expect(metricNames(received?.request)).toEqual(['system.memory.utilization', 'system.network.io']);
  });

  it('posts OTLP/JSON when encoding is json', async () => {
    const endpoint = await server();
    const exporter = createOtlpHttpMetricExporter(settings(`${endpoint.url}/custom/path`, { encoding: 'json' }));
    expect((await exportOnce(exporter, await collectSample())).code).toBe(ExportResultCode.SUCCESS);
    expect(endpoint.requests[0]).toMatchObject({
      path: '/custom/path',
      headers: { 'content-type': 'application/json' },
      request: { resourceMetrics: [{ scopeMetrics: [{ scope: { name: 'prism-telemetry/receiver/hostmetrics' } }] }] },
    });
  });

  it('takes nothing from OTEL_EXPORTER_OTLP_* variables: the file alone decides', async () => {
    const endpoint = await server();
    const elsewhere = await server();
    const names = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'authorization=app-token';
    process.env['OTEL_EXPORTER_OTLP_METRICS_HEADERS'] = 'x-app=1';
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = elsewhere.url;
    try {
      const exporter = createOtlpHttpMetricExporter(settings(`${endpoint.url}/v1/metrics`));
      expect((await exportOnce(exporter, await collectSample())).code).toBe(ExportResultCode.SUCCESS);
    } finally {
      for (const name of names) delete process.env[name];
    }
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]?.headers['authorization']).toBeUndefined();
    expect(endpoint.requests[0]?.headers['x-app']).toBeUndefined();
    expect(elsewhere.requests).toHaveLength(0);
  });
});
