import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigIssues } from '../config/format-issues.js';
import { PRIVACY_STAYS } from './ignored-keys.js';
import { loadOtelConfig } from './load-otel-config.js';
import type { OtelConfigResult } from './types.js';

async function load(text: string, env: Record<string, string | undefined> = {}): Promise<OtelConfigResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'prism-otel-'));
  const file = path.join(dir, 'otel.yaml');
  await writeFile(file, text);
  return loadOtelConfig(file, env);
}

const reader = (exporter: string, extra = ''): string =>
  ['file_format: "1.0"', 'meter_provider:', '  readers:', '    - periodic:', extra, `        exporter: ${exporter}`]
    .filter((line) => line !== '')
    .join('\n');

async function ok(text: string, env: Record<string, string | undefined> = {}) {
  const result = await load(text, env);
  if (!result.ok) throw new Error(formatConfigIssues(result.errors));
  return result;
}

async function errors(text: string): Promise<string> {
  const result = await load(text);
  if (result.ok) throw new Error('expected errors');
  expect(result.errors.every((e) => e.code === 'PT_ERR_OTEL_CONFIG')).toBe(true);
  return formatConfigIssues(result.errors);
}

describe('loadOtelConfig: exporters', () => {
  it('reads otlp_http with the spec defaults (protobuf, localhost:4318, 10 s, no compression)', async () => {
    const { config } = await ok(reader('{ otlp_http: {} }'));
    expect(config.readers).toEqual([
      {
        path: 'meter_provider.readers[0]',
        intervalMillis: 60_000,
        timeoutMillis: 30_000,
        temporality: 'cumulative',
        exporter: {
          kind: 'otlp_http',
          endpoint: 'http://localhost:4318/v1/metrics',
          headers: {},
          timeoutMillis: 10_000,
          compression: 'none',
          encoding: 'protobuf',
          loopback: true,
        },
      },
    ]);
  });

  it('reads every otlp_http setting, headers from both lists, ${VAR} from the given env only', async () => {
    process.env['PRISM_TEST_NOT_VISIBLE'] = 'leak';
    try {
      const { config } = await ok(
        reader(
          [
            '',
            '          otlp_http:',
            '            endpoint: ${ENDPOINT:-http://127.0.0.1:4318}/v1/metrics',
            '            encoding: json',
            '            compression: gzip',
            '            timeout: 2000',
            '            headers:',
            '              - { name: x-token, value: "${TOKEN}" }',
            '              - { name: x-leak, value: "${PRISM_TEST_NOT_VISIBLE}" }',
            '            headers_list: x-token=overridden,x-extra=1',
            '            temporality_preference: delta',
          ].join('\n'),
          '        interval: 5000\n        timeout: 3000',
        ),
        { ENDPOINT: 'https://collector.example:4318', TOKEN: 'abc' },
      );
      expect(config.readers[0]).toMatchObject({
        intervalMillis: 5000,
        timeoutMillis: 3000,
        temporality: 'delta',
        exporter: {
          endpoint: 'https://collector.example:4318/v1/metrics',
          encoding: 'json',
          compression: 'gzip',
          timeoutMillis: 2000,
          headers: { 'x-token': 'abc', 'x-extra': '1', 'x-leak': '' },
          loopback: false,
        },
      });
      expect(process.env['PRISM_TEST_NOT_VISIBLE']).toBe('leak');
    } finally {
      delete process.env['PRISM_TEST_NOT_VISIBLE'];
    }
  });

  it('maps console, otlp_file to the data directory, and otlp_file stdout to OTLP/JSON lines', async () => {
    expect((await ok(reader('{ console: }'))).config.readers[0]?.exporter).toEqual({ kind: 'console', format: 'text' });
    expect((await ok(reader('{ otlp_file/development: {} }'))).config.readers[0]?.exporter).toEqual({ kind: 'file' });
    expect(
      (await ok(reader('{ otlp_file/development: { output_stream: stdout } }'))).config.readers[0]?.exporter,
    ).toEqual({ kind: 'console', format: 'otlp-json' });
    expect(
      (await ok(reader('{ otlp_file/development: { output_stream: "file:///srv/prism" } }'))).config.readers[0]
        ?.exporter,
    ).toEqual({ kind: 'file', outputPath: '/srv/prism' });
  });

  it('never lets a timeout outlive its interval; 0 means "until the next export"', async () => {
    const { config } = await ok(reader('{ otlp_http: { timeout: 0 } }', '        interval: 2000\n        timeout: 0'));
    expect(config.readers[0]).toMatchObject({ timeoutMillis: 2000, exporter: { timeoutMillis: 2000 } });
  });

  it('disabled: true adds no exporters, with a warning', async () => {
    const result = await ok(`disabled: true\n${reader('{ console: }')}`);
    expect(result.config.readers).toEqual([]);
    expect(formatConfigIssues(result.warnings)).toContain('disabled: the file disables the SDK');
  });
});

const pull = (settings: string, extra = ''): string =>
  ['file_format: "1.0"', 'meter_provider:', '  readers:', '    - pull:', extra, `        exporter: ${settings}`]
    .filter((line) => line !== '')
    .join('\n');

describe('loadOtelConfig: pull readers (Prometheus)', () => {
  it('reads prometheus/development with the spec defaults; localhost is 127.0.0.1', async () => {
    const result = await ok(pull('{ prometheus/development: }'));
    expect(result.config.readers).toEqual([]);
    expect(result.config.prometheus).toEqual([{ path: 'meter_provider.readers[0]', host: '127.0.0.1', port: 9464 }]);
    expect(result.warnings).toEqual([]);
  });

  it('takes host and port as written, IPv6 with or without brackets, next to periodic readers', async () => {
    const text = [
      'file_format: "1.0"',
      'meter_provider:',
      '  readers:',
      '    - periodic: { exporter: { console: } }',
      '    - pull: { exporter: { prometheus/development: { host: "${PROM_HOST}", port: 9465 } } }',
      '    - pull: { exporter: { prometheus/development: { host: "[::1]", port: 0 } } }',
      '    - pull: { exporter: { prometheus/development: { host: LocalHost } } }',
    ].join('\n');
    const { config } = await ok(text, { PROM_HOST: '192.168.1.5' });
    expect(config.readers).toHaveLength(1);
    expect(config.prometheus).toEqual([
      { path: 'meter_provider.readers[1]', host: '192.168.1.5', port: 9465 },
      { path: 'meter_provider.readers[2]', host: '::1', port: 0 },
      { path: 'meter_provider.readers[3]', host: '127.0.0.1', port: 9464 },
    ]);
  });

  it('accepts the defaults of the shape options silently and ignores other values with a warning', async () => {
    const defaults = await ok(
      pull(
        '{ prometheus/development: { scope_info_enabled: true, target_info_enabled/development: true, ' +
          'translation_strategy: underscore_escaping_with_suffixes } }',
      ),
    );
    expect(defaults.warnings).toEqual([]);
    const result = await ok(
      pull(
        '{ prometheus/development: { scope_info_enabled: false, target_info_enabled/development: false, ' +
          'translation_strategy: no_translation/development, resource_constant_labels: { included: ["*"] } } }',
        '        producers: [{ opencensus: }]\n        cardinality_limits: { default: 100000 }',
      ),
    );
    const warnings = formatConfigIssues(result.warnings, { severity: 'warning' });
    const at = 'meter_provider.readers[0].pull';
    for (const line of [
      `${at}.exporter.prometheus/development.scope_info_enabled: ignored: otel_scope_name labels are always written`,
      `${at}.exporter.prometheus/development.target_info_enabled/development: ignored: target_info is always written`,
      `${at}.exporter.prometheus/development.translation_strategy: ignored: names are always translated as underscore_escaping_with_suffixes`,
      `${at}.exporter.prometheus/development.resource_constant_labels: ignored: target_info carries the resource`,
      `${at}.producers: ignored: metric producers would add data`,
      `${at}.cardinality_limits: ignored: cardinality limits would keep more attribute combinations`,
    ]) {
      expect(warnings).toContain(line);
    }
    // Only the two keys that would widen what is collected carry the privacy sentence.
    expect(warnings.split(PRIVACY_STAYS).length - 1).toBe(2);
    expect(result.config.prometheus).toEqual([{ path: 'meter_provider.readers[0]', host: '127.0.0.1', port: 9464 }]);
  });

  it('rejects host names, bad ports, other pull exporters, misspelt keys and a reader that is both', async () => {
    expect(await errors(pull('{ prometheus/development: { host: metrics.example } }'))).toContain(
      'prometheus/development.host: must be localhost or an IP address of this machine',
    );
    expect(await errors(pull('{ prometheus/development: { port: 70000 } }'))).toContain(
      'prometheus/development.port: must be a port number from 0 to 65535',
    );
    expect(await errors(pull('{ prometheus/develpment: {} }'))).toContain(
      'unknown pull exporter "prometheus/develpment"; did you mean "prometheus/development"?',
    );
    expect(await errors(pull('{ prometheus/development: { prot: 9464 } }'))).toContain(
      'unknown key "prot"; did you mean "port"?',
    );
    const both = await errors(
      'file_format: "1.0"\nmeter_provider:\n  readers:\n' +
        '    - { periodic: { exporter: { console: } }, pull: { exporter: { prometheus/development: } } }',
    );
    expect(both).toContain('meter_provider.readers[0]: must NOT have more than 1 properties');
    expect(both).toContain('hint: a reader is either periodic or pull: write each as its own entry of readers');
  });
});

describe('loadOtelConfig: errors name the file, the place and a fix', () => {
  it('reports YAML syntax errors with line and column', async () => {
    const text = await errors('file_format: "1.0"\nmeter_provider:\n  readers: [\n');
    expect(text).toMatch(/otel\.yaml:\d+:\d+: not valid YAML/);
  });

  it('reports a misspelt key with a suggestion and its line', async () => {
    const text = await errors(reader('\n          otlp_http:\n            endpont: http://127.0.0.1:4318'));
    expect(text).toContain('otel.yaml:7:13: meter_provider.readers[0].periodic.exporter.otlp_http.endpont');
    expect(text).toContain('unknown key "endpont"; did you mean "endpoint"?');
  });

  it('reports an unsupported file_format and a schema violation', async () => {
    expect(await errors('file_format: "2.0"\n')).toMatch(/otel\.yaml:1:\d+: file_format: Unsupported file_format/);
    expect(await errors(reader('{ otlp_http: { encoding: xml } }'))).toContain(
      'meter_provider.readers[0].periodic.exporter.otlp_http.encoding: must be equal to one of the allowed values',
    );
  });

  it('rejects gRPC, unknown exporters, and Prometheus as a periodic exporter', async () => {
    expect(await errors(reader('{ prometheus/development: {} }'))).toContain(
      'Prometheus scrapes, it is not pushed to: write it as a pull reader (see otel-config/prometheus.yaml)',
    );
    expect(await errors(reader('{ otlp_grpc: {} }'))).toContain('OTLP over gRPC is not supported');
    expect(await errors(reader('{ consol: {} }'))).toContain('unknown exporter "consol"; did you mean "console"?');
    expect(await errors(reader('{ console: {}, otlp_http: {} }'))).toContain('add a reader for each further exporter');
  });

  it('rejects bad endpoints without repeating them (they may hold a password)', async () => {
    const text = await errors(
      reader('{ otlp_http: { endpoint: "https://user:hunter2@collector.example/v1/metrics" } }'),
    );
    expect(text).toContain('otlp_http.endpoint: must not contain credentials');
    expect(text).not.toContain('hunter2');
    expect(await errors(reader('{ otlp_http: { endpoint: "ftp://x/v1/metrics" } }'))).toContain(
      'must be an http or https URL',
    );
    expect(await errors(reader('{ otlp_http: { compression: zstd } }'))).toContain('unsupported compression "zstd"');
    expect(await errors(reader('{ otlp_http: { tls: { ca_file: /x.pem } } }'))).toContain('not supported yet');
  });

  it('rejects a file without readers, intervals under 1 s, and odd output streams', async () => {
    expect(await errors('file_format: "1.0"\n')).toContain('configures no metric readers');
    expect(await errors(reader('{ console: }', '        interval: 10'))).toContain('must be at least 1000');
    expect(await errors(reader('{ otlp_file/development: { output_stream: "s3://bucket" } }'))).toContain(
      'must be stdout or a file:// URL of the data directory',
    );
  });

  it('reports a missing file and a directory', async () => {
    const missing = await loadOtelConfig('/nonexistent/otel.yaml', {});
    expect(missing.ok).toBe(false);
    expect(formatConfigIssues(missing.ok ? [] : missing.errors)).toBe(
      '/nonexistent/otel.yaml: no such file [PT_ERR_OTEL_CONFIG]\n  hint: check the path; otel-config/ has examples',
    );
    const dir = await loadOtelConfig(tmpdir(), {});
    expect(dir.ok ? '' : dir.errors[0]?.message).toBe('is a directory');
  });
});

describe('loadOtelConfig: the privacy policy stays ours', () => {
  it('ignores every key that would widen collection, with a warning naming it', async () => {
    const text = [
      'file_format: "1.0"',
      'attribute_limits: { attribute_value_length_limit: 100000 }',
      'resource:',
      '  attributes: [{ name: host.name, value: my-laptop }]',
      '  detection/development: { detectors: [{ host: }] }',
      'tracer_provider: { processors: [{ simple: { exporter: { console: } } }] }',
      'meter_provider:',
      '  views: [{ selector: { instrument_name: "*" }, stream: { attribute_keys: { included: ["*"] } } }]',
      '  exemplar_filter: always_on',
      '  readers:',
      '    - periodic:',
      '        cardinality_limits: { default: 100000 }',
      '        exporter: { console: { default_histogram_aggregation: base2_exponential_bucket_histogram } }',
      'meter_provder: {}',
    ].join('\n');
    const result = await ok(text);
    const warnings = formatConfigIssues(result.warnings, { severity: 'warning' });
    for (const key of [
      'otel.yaml:2:1: warning: attribute_limits: ignored',
      'otel.yaml:3:1: warning: resource: ignored',
      'otel.yaml:8:3: warning: meter_provider.views: ignored',
      'otel.yaml:9:3: warning: meter_provider.exemplar_filter: ignored',
      'warning: meter_provider.readers[0].periodic.cardinality_limits: ignored',
      'warning: meter_provider.readers[0].periodic.exporter.console.default_histogram_aggregation: ignored',
    ]) {
      expect(warnings).toContain(key);
    }
    expect(warnings.split(PRIVACY_STAYS).length - 1).toBe(6);
    expect(warnings).toContain('tracer_provider: ignored: the agent exports metrics only');
    expect(warnings).toContain('meter_provder: ignored: unknown key; did you mean "meter_provider"?');
    expect(result.config.readers).toHaveLength(1);
  });
});
