import { describe, expect, it } from 'vitest';
import { formatConfigIssues } from './format-issues.js';
import { parseConfigText } from './load-config.js';
import type { ConfigIssue, ConfigResult } from './types.js';

const SOURCE = 'test.yaml';

function errorsOf(result: ConfigResult): ConfigIssue[] {
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
}

function configOf(result: ConfigResult) {
  if (!result.ok) throw new Error(`expected a valid config:\n${formatConfigIssues(result.errors)}`);
  return result;
}

/** [path, line, column, message] of each issue, for compact assertions. */
function brief(issues: ConfigIssue[]): [string, number | undefined, number | undefined, string][] {
  return issues.map((i) => [i.path, i.line, i.column, i.message]);
}

const MINIMAL = `receivers:
  hostmetrics: {}
exporters:
  file: {}
service:
  pipelines:
    metrics:
      receivers: [hostmetrics]
      exporters: [file]
`;

describe('parseConfigText', () => {
  it('fills every default', () => {
    const { config, warnings } = configOf(parseConfigText(MINIMAL, SOURCE, {}));
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      source: SOURCE,
      telemetry: {
        privacyLevel: 'standard',
        dataDir: undefined,
        retentionMillis: { health: 30 * 86_400_000, level: 90 * 86_400_000, errors: 7 * 86_400_000 },
        maxTotalBytes: 1024 ** 3,
        sharing: { enabled: false },
        dashboard: { enabled: true, endpoint: '127.0.0.1:8080', host: '127.0.0.1', port: 8080 },
      },
      receivers: { hostmetrics: { type: 'hostmetrics', collectionIntervalMillis: 10_000, rootPath: '/' } },
      processors: {},
      exporters: { file: { type: 'file' } },
      pipelines: [{ id: 'metrics', receivers: ['hostmetrics'], processors: [], exporters: ['file'] }],
    });
  });

  it('reports five different mistakes at once, each at its line and column', () => {
    const text = [
      'telemetry:', // 1
      '  privacy_level: standard', // 2
      '  retention:', // 3
      '    helth: 30d', // 4: unknown key (typo)
      'receivers:', // 5
      '  hostmetrics:', // 6
      '    collection_interval: 10x', // 7: bad duration
      'processors:', // 8
      '  privacy:', // 9
      '    level: detailed', // 10: wider than telemetry.privacy_level
      '  privacy/share:', // 11
      '    level: extreme', // 12: not a privacy level
      'exporters:', // 13
      '  file: {}', // 14
      'service:', // 15
      '  pipelines:', // 16
      '    metrics/local:', // 17
      '      receivers: [hostmetrics]', // 18
      '      processors: [privacy, privacy/share]', // 19
      '      exporters: [file, fiel]', // 20: unknown exporter
      '',
    ].join('\n');
    const errors = errorsOf(parseConfigText(text, SOURCE, {}));
    expect(brief(errors)).toEqual([
      ['telemetry.retention.helth', 4, 5, 'unknown key; did you mean "health"?'],
      ['receivers.hostmetrics.collection_interval', 7, 26, 'unknown unit "x"'],
      ['processors.privacy/share.level', 12, 12, '"extreme" is not one of minimal, standard, detailed'],
      ['processors.privacy.level', 10, 12, '"detailed" is wider than telemetry.privacy_level ("standard")'],
      ['service.pipelines.metrics/local.exporters[1]', 20, 25, 'exporter "fiel" is not defined'],
    ]);
    expect(errors.map((e) => e.hint)).toEqual([
      undefined,
      'use ms, s, m, h or d',
      undefined,
      'a privacy processor can only narrow the level: use minimal or standard, or leave level out',
      'did you mean "file"?',
    ]);
    expect(errors.every((e) => e.source === SOURCE)).toBe(true);
  });

  it('suggests the closest level for a misspelt one', () => {
    const errors = errorsOf(parseConfigText(`telemetry:\n  privacy_level: standrd\n${MINIMAL}`, SOURCE, {}));
    expect(errors).toEqual([
      {
        path: 'telemetry.privacy_level',
        line: 2,
        column: 18,
        message: '"standrd" is not one of minimal, standard, detailed',
        hint: 'did you mean "standard"?',
        source: SOURCE,
      },
    ]);
  });

  it('lists the known keys when no key is close', () => {
    const errors = errorsOf(parseConfigText(`${MINIMAL}extensions: {}\n`, SOURCE, {}));
    expect(errors).toEqual([
      {
        path: 'extensions',
        line: 10,
        column: 1,
        message: 'unknown key',
        hint: 'known keys here: telemetry, receivers, processors, exporters, service',
        source: SOURCE,
      },
    ]);
  });

  it('points at the nearest existing parent when a required value is missing', () => {
    const text = MINIMAL.replace('file: {}', 'otlphttp: {}').replace('[file]', '[otlphttp]');
    const errors = errorsOf(parseConfigText(`telemetry:\n  sharing: {enabled: true}\n${text}`, SOURCE, {}));
    expect(brief(errors)).toEqual([['exporters.otlphttp.endpoint', 6, 3, 'is required']]);
  });

  it('points at the key when the value is empty', () => {
    const errors = errorsOf(
      parseConfigText(MINIMAL.replace('hostmetrics: {}', 'hostmetrics:\n    root_path:'), SOURCE, {}),
    );
    expect(brief(errors)).toEqual([['receivers.hostmetrics.root_path', 3, 5, 'expected a string, got an empty value']]);
  });

  it('rejects unknown component types, listing the known ones', () => {
    const text = MINIMAL.replace('file: {}', 'file: {}\n  s3/archive: {}\n  "bad id/": {}');
    expect(errorsOf(parseConfigText(text, SOURCE, {}))).toEqual([
      {
        path: 'exporters.s3/archive',
        line: 5,
        column: 3,
        message: 'unknown exporter type "s3"',
        hint: 'known exporter types: file, otlphttp, alerts',
        source: SOURCE,
      },
      {
        path: 'exporters["bad id/"]',
        line: 6,
        column: 3,
        message: 'is not a valid component id',
        hint: 'write <type> or <type>/<name>, e.g. file/name; a name is letters, digits, _, . and -',
        source: SOURCE,
      },
    ]);
  });

  it('offers a did-you-mean for a misspelt component type', () => {
    const errors = errorsOf(parseConfigText(MINIMAL.replace('hostmetrics: {}', 'hostmetric: {}'), SOURCE, {}));
    expect(errors[0]).toMatchObject({
      path: 'receivers.hostmetric',
      message: 'unknown receiver type "hostmetric"',
      hint: 'did you mean "hostmetrics"? known receiver types: hostmetrics, redis, postgresql, neo4j, httpcheck, tcpcheck, applevel, otlp',
    });
  });

  it('accepts type/name ids and an empty component config', () => {
    const text = MINIMAL.replace('hostmetrics: {}', 'hostmetrics/fast:\n    collection_interval: 1s').replace(
      '[hostmetrics]',
      '[hostmetrics/fast]',
    );
    const { config } = configOf(parseConfigText(text.replace('file: {}', 'file:'), SOURCE, {}));
    expect(config.receivers).toEqual({
      'hostmetrics/fast': { type: 'hostmetrics', collectionIntervalMillis: 1_000, rootPath: '/' },
    });
    expect(config.exporters).toEqual({ file: { type: 'file' } });
  });

  it('checks pipelines: id, at least one receiver and exporter, defined and unrepeated references', () => {
    const text = `receivers:
  hostmetrics: {}
processors:
  privacy: {}
exporters:
  file: {}
service:
  pipelines:
    traces:
      receivers: [hostmetrics]
      exporters: [file]
    metrics/a:
      receivers: []
    metrics/b:
      receivers: [hostmetrics, hostmetrics]
      processors: [batch]
      exporters: [privacy]
`;
    const errors = errorsOf(parseConfigText(text, SOURCE, {}));
    expect(errors.map((e) => [e.path, e.line, e.message, e.hint])).toEqual([
      [
        'service.pipelines.traces',
        9,
        'traces pipelines are not supported',
        'write metrics or metrics/<name> (letters, digits, _, . and -)',
      ],
      // metrics/a has no exporters key: the error points at the pipeline itself, a line above.
      [
        'service.pipelines.metrics/a.exporters',
        12,
        'a pipeline needs at least one exporter',
        'list one, e.g. exporters: [file]',
      ],
      [
        'service.pipelines.metrics/a.receivers',
        13,
        'a pipeline needs at least one receiver',
        'list one, e.g. receivers: [hostmetrics]',
      ],
      ['service.pipelines.metrics/b.receivers[1]', 15, '"hostmetrics" is listed twice', 'remove the repeat'],
      [
        'service.pipelines.metrics/b.processors[0]',
        16,
        'processor "batch" is not defined',
        'define it under processors:',
      ],
      [
        'service.pipelines.metrics/b.exporters[0]',
        17,
        'exporter "privacy" is not defined',
        '"privacy" is a processor; list it under processors',
      ],
    ]);
  });

  it('requires at least one pipeline', () => {
    const errors = errorsOf(parseConfigText('receivers:\n  hostmetrics: {}\n', SOURCE, {}));
    expect(errors).toEqual([
      {
        path: 'service.pipelines',
        line: 1,
        column: 1,
        message: 'no pipelines are defined',
        hint: 'add one under service.pipelines, e.g. metrics: { receivers: [hostmetrics], exporters: [file] }',
        source: SOURCE,
      },
    ]);
    expect(
      brief(errorsOf(parseConfigText(`${MINIMAL.split('service:')[0]}service:\n  pipelines: {}\n`, SOURCE, {}))),
    ).toEqual([['service.pipelines', 6, 14, 'no pipelines are defined']]);
  });

  it('rejects an empty file', () => {
    expect(errorsOf(parseConfigText('# nothing\n', SOURCE, {}))).toEqual([
      { path: '', message: 'the file has no settings', hint: 'start from pipelines/local.yaml', source: SOURCE },
    ]);
  });

  it('warns about components no pipeline uses', () => {
    const text = MINIMAL.replace('file: {}', 'file: {}\n  file/archive: {}');
    const { warnings } = configOf(parseConfigText(text, SOURCE, {}));
    expect(warnings).toEqual([
      {
        path: 'exporters.file/archive',
        line: 5,
        column: 3,
        message: 'exporter "file/archive" is not used by any pipeline',
        hint: 'add it to a pipeline under service.pipelines, or remove it',
        source: SOURCE,
      },
    ]);
  });

  it('gates otlphttp behind telemetry.sharing.enabled, with its own error code', () => {
    const text = `exporters:
  otlphttp:
    endpoint: https://collector.example/v1/metrics
receivers:
  hostmetrics: {}
service:
  pipelines:
    metrics:
      receivers: [hostmetrics]
      exporters: [otlphttp]
`;
    expect(errorsOf(parseConfigText(text, SOURCE, {}))).toEqual([
      {
        path: 'service.pipelines.metrics.exporters[0]',
        line: 10,
        column: 19,
        message: 'exporter "otlphttp" sends data off this machine, but sharing is not enabled',
        hint: 'set telemetry.sharing.enabled: true to allow data to leave this machine (consent gating comes later)',
        source: SOURCE,
        code: 'PT_ERR_SHARING_NOT_ENABLED',
      },
    ]);
    const shared = configOf(
      parseConfigText(`telemetry:\n  sharing:\n    enabled: \${SHARE:-false}\n${text}`, SOURCE, { SHARE: 'true' }),
    );
    expect(shared.config.exporters['otlphttp']).toEqual({
      type: 'otlphttp',
      endpoint: 'https://collector.example/v1/metrics',
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
  });

  it('warns when an exporter would send data unencrypted, but not to loopback', () => {
    const text = (endpoint: string) => `telemetry: {sharing: {enabled: true}}
receivers: {hostmetrics: {}}
exporters:
  otlphttp:
    endpoint: ${endpoint}
service: {pipelines: {metrics: {receivers: [hostmetrics], exporters: [otlphttp]}}}
`;
    expect(configOf(parseConfigText(text('http://collector.example/v1'), SOURCE, {})).warnings).toMatchObject([
      { path: 'exporters.otlphttp.endpoint', line: 5, column: 15, message: 'sends data unencrypted (http://)' },
    ]);
    expect(configOf(parseConfigText(text('http://127.0.0.1:4318/v1/metrics'), SOURCE, {})).warnings).toEqual([]);
  });

  it('rejects a duration without a unit with a hint, also when it comes from the environment', () => {
    const text = MINIMAL.replace('hostmetrics: {}', 'hostmetrics:\n    collection_interval: ${N:-5}');
    expect(errorsOf(parseConfigText(text, SOURCE, {}))).toEqual([
      {
        path: 'receivers.hostmetrics.collection_interval',
        line: 3,
        column: 26,
        message: 'a duration needs a unit',
        hint: 'write a unit, e.g. 10s',
        source: SOURCE,
      },
    ]);
    expect(brief(errorsOf(parseConfigText(text.replace('${N:-5}', '500ms'), SOURCE, {})))).toEqual([
      ['receivers.hostmetrics.collection_interval', 3, 26, 'must be at least 1s'],
    ]);
  });

  it('reads sizes, retention and data_dir', () => {
    const text = `telemetry:
  data_dir: \${DIR:-}
  max_total_size: 500MiB
  retention: {health: 1d, level: 12h, errors: 90m}
${MINIMAL}`;
    const telemetry = configOf(parseConfigText(text, SOURCE, { DIR: '/srv/prism' })).config.telemetry;
    expect(telemetry.dataDir).toBe('/srv/prism');
    expect(telemetry.maxTotalBytes).toBe(500 * 1024 ** 2);
    expect(telemetry.retentionMillis).toEqual({ health: 86_400_000, level: 43_200_000, errors: 5_400_000 });
    expect(configOf(parseConfigText(text, SOURCE, {})).config.telemetry.dataDir).toBeUndefined();
    expect(errorsOf(parseConfigText(text, SOURCE, { DIR: '~/prism' }))).toMatchObject([
      {
        path: 'telemetry.data_dir',
        message: 'must be an absolute path',
        hint: 'write the full path: ~ is not expanded',
      },
    ]);
  });

  it('reports an unset variable at the reference itself and nothing else about that value', () => {
    const text = MINIMAL.replace('exporters: [file]', 'exporters: [file, "${EXTRA}"]');
    expect(errorsOf(parseConfigText(text, SOURCE, {}))).toEqual([
      {
        path: 'service.pipelines.metrics.exporters[1]',
        line: 9,
        column: 26,
        message: '${EXTRA} is not set; set it or write ${EXTRA:-default}',
        source: SOURCE,
      },
    ]);
  });

  it('says true or false for booleans written as yes/no', () => {
    const errors = errorsOf(parseConfigText(`telemetry:\n  sharing:\n    enabled: yes\n${MINIMAL}`, SOURCE, {}));
    expect(errors).toMatchObject([
      {
        path: 'telemetry.sharing.enabled',
        line: 3,
        column: 14,
        message: 'expected true or false, got a string',
        hint: 'write true or false without quotes (yes/no/on/off are strings)',
      },
    ]);
  });

  it('rejects duplicate keys, so a repeated setting cannot silently override the first', () => {
    const errors = errorsOf(
      parseConfigText(`telemetry:\n  privacy_level: minimal\n  privacy_level: detailed\n${MINIMAL}`, SOURCE, {}),
    );
    expect(errors).toMatchObject([
      { path: '', line: 3, column: 3, code: 'PT_ERR_CONFIG_READ', hint: expect.stringContaining('once') },
    ]);
  });
});

describe('secrets in errors', () => {
  const SECRET = 'ghp_S3cretTok3n';
  const exporter = (
    headers: string,
    endpoint = 'https://collector.example/v1',
  ) => `telemetry: {sharing: {enabled: true}}
receivers: {hostmetrics: {}}
exporters:
  otlphttp:
    endpoint: ${endpoint}
    headers:
${headers}
service: {pipelines: {metrics: {receivers: [hostmetrics], exporters: [otlphttp]}}}
`;

  function expectNotEchoed(result: ConfigResult, ...secrets: string[]): string {
    const output = formatConfigIssues(errorsOf(result));
    for (const secret of secrets) expect(output).not.toContain(secret);
    return output;
  }

  it('keeps header values from the environment as strings when quoted', () => {
    const result = parseConfigText(exporter('      Authorization: "Bearer ${TOKEN}"'), SOURCE, { TOKEN: SECRET });
    expect(configOf(result).config.exporters['otlphttp']).toMatchObject({
      headers: { Authorization: `Bearer ${SECRET}` },
    });
  });

  it('does not echo a header value of the wrong type or with a line break', () => {
    const output = expectNotEchoed(
      parseConfigText(exporter('      X-Api-Key: ${KEY}\n      Authorization: "Bearer ${TOKEN}"'), SOURCE, {
        KEY: '12345678901234',
        TOKEN: `${SECRET}\r\nX-Injected: 1`,
      }),
      '12345678901234',
      SECRET,
      'Injected',
    );
    expect(output).toBe(
      [
        'test.yaml:7:18: exporters.otlphttp.headers.X-Api-Key: a header value must be a string',
        '  hint: quote it, e.g. "${TOKEN}", so YAML does not read it as a number or boolean',
        'test.yaml:8:22: exporters.otlphttp.headers.Authorization: a header value must be one line',
        '  hint: remove the line break',
      ].join('\n'),
    );
  });

  it('does not echo an invalid header name’s value, a bad URL or credentials in a URL', () => {
    expectNotEchoed(parseConfigText(exporter(`      "Bad Header": ${SECRET}`), SOURCE, {}), SECRET);
    expectNotEchoed(parseConfigText(exporter('      {}', `not-a-url-${SECRET}`), SOURCE, {}), SECRET);
    const output = expectNotEchoed(
      parseConfigText(exporter('      {}', `https://user:${SECRET}@collector.example`), SOURCE, {}),
      SECRET,
    );
    expect(output).toContain('must not contain credentials');
  });

  it('does not echo a value that came from the environment, even an enum-like one', () => {
    const output = expectNotEchoed(
      parseConfigText(`telemetry:\n  privacy_level: \${LEVEL}\n${MINIMAL}`, SOURCE, { LEVEL: 'hunter2' }),
      'hunter2',
    );
    expect(output).toContain('telemetry.privacy_level: must be one of minimal, standard, detailed');
  });

  it('names an unset variable, never a value', () => {
    const output = expectNotEchoed(
      parseConfigText(exporter('      Authorization: Bearer ${TOKEN}'), SOURCE, {}),
      'Bearer',
    );
    expect(output).toContain('test.yaml:7:29: exporters.otlphttp.headers.Authorization: ${TOKEN} is not set');
  });
});
