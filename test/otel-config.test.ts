import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CollectingReader, createPrivacy, loadOrCreateInstallSecret } from '@prism-telemetry/privacy';
import { ManualClock, createMemoryLogger, formatConfigIssues } from '@prism-telemetry/agent';
import { buildOtelReaders } from '../packages/agent/src/otel-config/build-otel-readers.js';
import { PRIVACY_STAYS } from '../packages/agent/src/otel-config/ignored-keys.js';
import { loadOtelConfig } from '../packages/agent/src/otel-config/load-otel-config.js';
import { buildOtelPipelines } from '../packages/agent/src/otel-config/otel-pipelines.js';
import { metricNames, startOtlpTestServer } from '../packages/agent/src/otel-config/otlp-test-server.test.helper.js';
import type { OtelConfig } from '../packages/agent/src/otel-config/types.js';
import type { SharingGate } from '../packages/agent/src/pipeline/consent-gate-exporter.js';
import { REPO_ROOT, readMetricFiles, tempDir } from './support/cli.js';

const OTEL_DIR = path.join(REPO_ROOT, 'otel-config');
const SCOPE = 'prism-telemetry/receiver/hostmetrics';
const EMAIL = 'canary.person@example.com';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function load(file: string, env: Record<string, string | undefined> = {}): Promise<OtelConfig> {
  const result = await loadOtelConfig(file, env);
  if (!result.ok) throw new Error(formatConfigIssues(result.errors));
  expect(result.warnings).toEqual([]);
  return result.config;
}

/**
 * What the agent would do with one file: collect once from a MeterProvider with the privacy Views, and export
 * that real collection through the file's pipelines (privacy processor -> the reader's exporter).
 */
async function exportThroughFile(config: OtelConfig, dataDir: string, stdout?: NodeJS.WritableStream): Promise<void> {
  const { secret } = await loadOrCreateInstallSecret({ dir: dataDir });
  const privacy = createPrivacy({ level: 'standard', secret });
  const clock = new ManualClock(Date.now());
  const logger = createMemoryLogger();
  const built = buildOtelReaders(config, {
    dataDir,
    categoryOf: (name) => privacy.policy.categoryOf(name),
    clock,
    logger,
    ...(stdout ? { stdout } : {}),
  });
  const noConsent: SharingGate = { mode: () => 'local', sharingAllowed: () => false, consent: () => undefined };
  const { entries } = buildOtelPipelines({
    readers: built.readers,
    scopes: new Set([SCOPE]),
    level: 'standard',
    processorFor: () => privacy.processor,
    gate: noConsent,
    recordAttempt: async () => {},
    isCollecting: () => true,
    debugOut: undefined,
    clock,
    logger,
  });
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-agent', 'user.email': EMAIL }),
    views: privacy.views,
    readers: [reader],
  });
  const meter = provider.getMeter(SCOPE);
  meter.createGauge('system.memory.utilization').record(0.42, { 'system.memory.state': 'used', owner: EMAIL });
  meter.createCounter('system.network.io').add(1234, { 'network.io.direction': 'receive' });
  const collected: ResourceMetrics = await reader.collectOnce();
  await provider.shutdown();
  for (const pipeline of entries.values()) await new Promise((resolve) => pipeline.export(collected, resolve));
  for (const exporter of built.exporters) await exporter.shutdown();
}

describe('shipped OpenTelemetry declarative config files', () => {
  it('every file in otel-config/ parses, without warnings, to the exporter it is named for', async () => {
    const files = (await readdir(OTEL_DIR)).filter((f) => f.endsWith('.yaml') && f !== 'collector-forward.yaml');
    expect(files.sort()).toEqual(['console.yaml', 'file.yaml', 'otlp-http.yaml', 'prometheus.yaml']);
    const prometheus = await load(path.join(OTEL_DIR, 'prometheus.yaml'));
    expect(prometheus.readers).toEqual([]);
    expect(prometheus.prometheus).toEqual([{ path: 'meter_provider.readers[0]', host: '127.0.0.1', port: 9464 }]);
    expect((await load(path.join(OTEL_DIR, 'file.yaml'))).readers[0]?.exporter).toEqual({ kind: 'file' });
    expect((await load(path.join(OTEL_DIR, 'console.yaml'))).readers[0]?.exporter).toEqual({
      kind: 'console',
      format: 'text',
    });
    const http = await load(path.join(OTEL_DIR, 'otlp-http.yaml'));
    expect(http.readers[0]).toMatchObject({
      intervalMillis: 10_000,
      exporter: {
        kind: 'otlp_http',
        endpoint: 'http://127.0.0.1:4318/v1/metrics',
        encoding: 'protobuf',
        compression: 'gzip',
        loopback: true,
      },
    });
    const remote = await load(path.join(OTEL_DIR, 'otlp-http.yaml'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example',
      PRISM_OTEL_INTERVAL: '30000',
    });
    expect(remote.readers[0]).toMatchObject({
      intervalMillis: 30_000,
      exporter: { endpoint: 'https://collector.example/v1/metrics', loopback: false },
    });
  });

  it('a broken file reports its errors with the file name, the place and a hint', async () => {
    const file = path.join(await tempDir(), 'broken-otel.yaml');
    const text = await readFile(path.join(OTEL_DIR, 'otlp-http.yaml'), 'utf8');
    await writeFile(file, text.replace('encoding: protobuf', 'encodng: protobuf'));
    const result = await loadOtelConfig(file, {});
    expect(result.ok).toBe(false);
    const printed = formatConfigIssues(result.ok ? [] : result.errors);
    expect(printed).toMatch(
      /broken-otel\.yaml:\d+:\d+: meter_provider\.readers\[0\]\.periodic\.exporter\.otlp_http\.encodng/,
    );
    expect(printed).toContain('did you mean "encoding"? [PT_ERR_OTEL_CONFIG]');
    expect(printed).toContain('hint: ');
  });

  it('keys that would widen collection are ignored with a warning; the exporters still work', async () => {
    const file = path.join(await tempDir(), 'wide.yaml');
    const text = await readFile(path.join(OTEL_DIR, 'file.yaml'), 'utf8');
    await writeFile(
      file,
      `${text}\nresource:\n  detection/development: { detectors: [{ host: }, { process: }] }\n` +
        'attribute_limits: { attribute_count_limit: 1000 }\n',
    );
    const result = await loadOtelConfig(file, {});
    expect(result.ok && result.config.readers).toHaveLength(1);
    const warnings = formatConfigIssues(result.ok ? result.warnings : [], { severity: 'warning' });
    expect(warnings).toContain('wide.yaml:');
    expect(warnings).toContain(`resource: ignored: resource attributes and detectors`);
    expect(warnings).toContain(`attribute_limits: ignored`);
    expect(warnings.split(PRIVACY_STAYS).length - 1).toBe(2);
  });

  it('collector-forward.yaml forwards OTLP to the agent over HTTP, protobuf and gzip', async () => {
    const collector = parse(await readFile(path.join(OTEL_DIR, 'collector-forward.yaml'), 'utf8')) as {
      receivers: Record<string, unknown>;
      exporters: Record<string, { endpoint: string; encoding: string; compression: string }>;
      processors: Record<string, unknown>;
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    };
    expect(collector.exporters['otlphttp/prism']).toMatchObject({
      endpoint: 'http://127.0.0.1:4318',
      encoding: 'proto',
      compression: 'gzip',
    });
    for (const pipeline of Object.values(collector.service.pipelines)) {
      for (const id of pipeline.receivers) expect(collector.receivers).toHaveProperty([id]);
      for (const id of pipeline.processors) expect(collector.processors).toHaveProperty([id]);
      for (const id of pipeline.exporters) expect(collector.exporters).toHaveProperty([id]);
    }
  });
});

describe('where the data of each shipped file arrives (in process, one real collection)', () => {
  it('file.yaml: a line in <data dir>/metrics/<category>/<day>.jsonl', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    await exportThroughFile(await load(path.join(OTEL_DIR, 'file.yaml')), dataDir);
    const files = await readMetricFiles(dataDir);
    const lines = [...files.values()].flat();
    expect([...files.keys()].every((f) => /^metrics\/[a-z]+\/\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    expect(metricNames(lines.map((l) => JSON.parse(l) as unknown))).toEqual(
      expect.arrayContaining(['system.memory.utilization', 'system.network.io']),
    );
    expect(lines.join('\n')).not.toContain(EMAIL);
  });

  it('console.yaml: the console (stdout)', async () => {
    // The agent passes process.stdout; a PassThrough stands in for it so the test can read what was printed.
    const stdout = new PassThrough();
    const printed: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => printed.push(chunk));
    const config = await load(path.join(OTEL_DIR, 'console.yaml'));
    await exportThroughFile(config, path.join(await tempDir(), 'data'), stdout);
    const text = Buffer.concat(printed).toString('utf8');
    expect(text).toContain("name: 'system.memory.utilization'");
    expect(text).toContain("name: 'system.network.io'");
    expect(text).not.toContain(EMAIL);
  });

  it('otlp-http.yaml: a real OTLP/HTTP endpoint on 127.0.0.1 (protobuf, gzip)', async () => {
    const server = await startOtlpTestServer();
    cleanup.push(() => server.close());
    const config = await load(path.join(OTEL_DIR, 'otlp-http.yaml'), { OTEL_EXPORTER_OTLP_ENDPOINT: server.url });
    await exportThroughFile(config, path.join(await tempDir(), 'data'));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/metrics',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    });
    expect(metricNames(server.requests[0]?.request)).toEqual(
      expect.arrayContaining(['system.memory.utilization', 'system.network.io']),
    );
    expect(JSON.stringify(server.requests[0]?.request)).not.toContain(EMAIL);
  });
});
