import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_YAML, defaultConfig } from './default-config.js';
import { formatConfigIssues } from './format-issues.js';
import { loadConfigFile, parseConfigText } from './load-config.js';

const LOCAL_YAML = new URL('../../../../pipelines/local.yaml', import.meta.url);
const SHARING_YAML = new URL('../../../../pipelines/sharing-example.yaml', import.meta.url);

describe('pipelines/local.yaml and the embedded defaults', () => {
  it('are byte-identical', async () => {
    expect(await readFile(LOCAL_YAML, 'utf8')).toBe(DEFAULT_CONFIG_YAML);
  });

  it('parse: local only, hostmetrics every 10s to the file exporter, privacy standard', async () => {
    const fromDisk = await loadConfigFile(LOCAL_YAML.pathname, {});
    const embedded = defaultConfig({});
    if (!fromDisk.ok || !embedded.ok) throw new Error(formatConfigIssues(fromDisk.ok ? [] : fromDisk.errors));
    expect(fromDisk.warnings).toEqual([]);
    expect({ ...fromDisk.config, source: '' }).toEqual({ ...embedded.config, source: '' });
    const config = embedded.config;
    expect(config.telemetry.privacyLevel).toBe('standard');
    expect(config.telemetry.sharing.enabled).toBe(false);
    expect(config.telemetry.dataDir).toBeUndefined();
    expect(config.receivers).toEqual({
      hostmetrics: { type: 'hostmetrics', collectionIntervalMillis: 10_000, rootPath: '/' },
    });
    expect(Object.values(config.exporters).map((e) => e.type)).toEqual(['file', 'alerts']);
    expect(config.pipelines).toEqual([
      { id: 'metrics/local', receivers: ['hostmetrics'], processors: ['privacy'], exporters: ['file', 'alerts'] },
    ]);
  });

  it('leave PRISM_TELEMETRY_DIR to the data-directory resolver, so status names it as the source', () => {
    const result = defaultConfig({ PRISM_TELEMETRY_DIR: '/var/lib/prism' });
    expect(result.ok && result.config.telemetry.dataDir).toBeUndefined();
  });
});

describe('pipelines/sharing-example.yaml', () => {
  it('parses: a minimal pipeline shared over OTLP/HTTP next to the local one', async () => {
    const result = await loadConfigFile(SHARING_YAML.pathname, {});
    if (!result.ok) throw new Error(formatConfigIssues(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.config.telemetry.sharing.enabled).toBe(true);
    expect(result.config.processors['privacy/share']).toEqual({ type: 'privacy', level: 'minimal' });
    expect(result.config.exporters['otlphttp']).toEqual({
      type: 'otlphttp',
      endpoint: 'https://telemetry.corrective-drift.example/v1/collect',
      headers: {},
      apiKey: undefined,
      encoding: 'protobuf',
      compression: 'gzip',
      timeoutMillis: 10_000,
      caFile: undefined,
      privacyLevel: undefined,
      queue: {
        batchRecords: 100,
        flushIntervalMillis: 300_000,
        maxBytes: 256 * 1024 ** 2,
        maxAgeMillis: 7 * 86_400_000,
      },
      retry: { maxRetries: 3, initialBackoffMillis: 30_000, maxBackoffMillis: 300_000 },
    });
    expect(result.config.pipelines.map((p) => p.id)).toEqual(['metrics/local', 'metrics/share']);
  });

  it('takes the endpoint from PRISM_TELEMETRY_ENDPOINT', async () => {
    const result = await loadConfigFile(SHARING_YAML.pathname, {
      PRISM_TELEMETRY_ENDPOINT: 'https://collector.example/v1',
    });
    expect(result.ok && result.config.exporters['otlphttp']).toMatchObject({
      endpoint: 'https://collector.example/v1',
    });
  });

  it('is rejected with PT_ERR_SHARING_NOT_ENABLED when sharing is turned off', async () => {
    const text = (await readFile(SHARING_YAML, 'utf8')).replace(/enabled: true/, 'enabled: false');
    const result = parseConfigText(text, 'sharing-example.yaml', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: 'service.pipelines.metrics/share.exporters[0]',
        line: text.split('\n').indexOf('      exporters: [otlphttp]') + 1,
        code: 'PT_ERR_SHARING_NOT_ENABLED',
        hint: 'set telemetry.sharing.enabled: true to allow data to leave this machine (consent gating comes later)',
      }),
    ]);
  });
});
