import { PassThrough } from 'node:stream';
import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  DEFAULT_POLICY,
  DropCounter,
  PolicyAtLevel,
  PrivacyProcessor,
  createHmacPseudonymizer,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import type { SharingGate } from '../pipeline/consent-gate-exporter.js';
import type { PipelineExporter } from '../pipeline/pipeline-exporter.js';
import type { OutboundAttempt } from '../state/types.js';
import { buildOtelPipelines, type OtelPipelinesOptions } from './otel-pipelines.js';
import { createOtlpHttpMetricExporter } from './otlp-http-metric-exporter.js';
import {
  collectSample,
  metricNames,
  startOtlpTestServer,
  type OtlpTestServer,
} from './otlp-test-server.test.helper.js';
import type { OtelReader } from './types.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const context = { pseudonymizer: createHmacPseudonymizer({ secret: new Uint8Array(32) }), drops: new DropCounter() };
const processorFor = (level: PrivacyLevel): PrivacyProcessor =>
  new PrivacyProcessor(new PolicyAtLevel(DEFAULT_POLICY, level, context));

async function httpReader(sharing: boolean): Promise<{ reader: OtelReader; server: OtlpTestServer }> {
  const server = await startOtlpTestServer();
  cleanup.push(() => server.close());
  const endpoint = `${server.url}/v1/metrics`;
  const exporter = createOtlpHttpMetricExporter({
    kind: 'otlp_http',
    endpoint,
    headers: {},
    timeoutMillis: 5000,
    compression: 'gzip',
    encoding: 'protobuf',
    loopback: !sharing,
  });
  cleanup.push(() => exporter.shutdown());
  // A sharing reader stands for a non-loopback endpoint; the test server itself is on 127.0.0.1.
  const reader: OtelReader = {
    id: 'otel/0',
    kind: 'otlp_http',
    intervalMillis: 10_000,
    timeoutMillis: 5_000,
    temporality: AggregationTemporality.CUMULATIVE,
    exporter,
    destination: endpoint,
    sharing,
  };
  return { reader, server };
}

function pipelines(reader: OtelReader, gate: SharingGate, extra: Partial<OtelPipelinesOptions> = {}) {
  const attempts: OutboundAttempt[] = [];
  const built = buildOtelPipelines({
    readers: [reader],
    scopes: new Set(['prism-telemetry/receiver/hostmetrics']),
    level: 'standard',
    processorFor,
    gate,
    recordAttempt: async (attempt) => void attempts.push(attempt),
    isCollecting: () => true,
    debugOut: undefined,
    clock: new ManualClock(Date.now()),
    logger: createMemoryLogger(),
    ...extra,
  });
  cleanup.push(async () => {
    for (const reader of built.metricReaders) await reader.shutdown().catch(() => undefined);
  });
  return { built, attempts };
}

const exportThrough = (pipeline: PipelineExporter | undefined, metrics: ResourceMetrics) =>
  new Promise((resolve) => pipeline!.export(metrics, resolve));

const noConsent: SharingGate = { mode: () => 'local', sharingAllowed: () => false, consent: () => undefined };

describe('buildOtelPipelines', () => {
  it('sends to a loopback endpoint without the consent gate, after the privacy processor', async () => {
    const { reader, server } = await httpReader(false);
    const { built, attempts } = pipelines(reader, noConsent);
    await exportThrough(built.entries.get('otel/0'), await collectSample({ 'user.email': 'someone@example.com' }));
    expect(server.requests).toHaveLength(1);
    expect(metricNames(server.requests[0]?.request)).toContain('system.memory.utilization');
    expect(JSON.stringify(server.requests[0]?.request)).not.toContain('someone@example.com');
    expect(attempts).toEqual([]);
    expect(built.summaries).toEqual([
      {
        id: 'otel/0',
        level: 'standard',
        exporters: [`otlp_http (${reader.destination})`],
        intervalMillis: 10_000,
        sharing: false,
      },
    ]);
  });

  it('puts a non-loopback endpoint behind the consent gate, delta, with every attempt logged', async () => {
    const { reader, server } = await httpReader(true);
    let consent: ReturnType<SharingGate['consent']>;
    const gate: SharingGate = {
      mode: () => (consent ? 'on' : 'local'),
      sharingAllowed: () => consent !== undefined,
      consent: () => consent,
    };
    const { built, attempts } = pipelines(reader, gate);
    expect(built.entries.get('otel/0')?.selectAggregationTemporality()).toBe(AggregationTemporality.DELTA);
    await exportThrough(built.entries.get('otel/0'), await collectSample());
    expect(server.requests).toHaveLength(0);

    consent = { millis: 0, level: 'standard', endpoint: 'https://somewhere.else/v1/metrics' };
    await exportThrough(built.entries.get('otel/0'), await collectSample());
    expect(server.requests).toHaveLength(0);

    consent = { millis: 0, level: 'standard', endpoint: reader.destination };
    await exportThrough(built.entries.get('otel/0'), await collectSample());
    expect(server.requests).toHaveLength(1);
    expect(attempts).toMatchObject([{ destination: reader.destination, result: 'sent', mode: 'on' }]);
  });

  it('PRISM_TELEMETRY_DEBUG prints what a sharing reader would send, and sends nothing', async () => {
    const { reader, server } = await httpReader(true);
    const out = new PassThrough();
    const printed: Buffer[] = [];
    out.on('data', (chunk: Buffer) => printed.push(chunk));
    const { built, attempts } = pipelines(reader, noConsent, { debugOut: out });
    await exportThrough(built.entries.get('otel/0'), await collectSample());
    expect(server.requests).toHaveLength(0);
    expect(attempts).toEqual([]);
    expect(Buffer.concat(printed).toString()).toContain(`# otel/0 (would POST to ${reader.destination})`);
  });
});
