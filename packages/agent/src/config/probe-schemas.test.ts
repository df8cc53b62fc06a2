import { describe, expect, it } from 'vitest';
import { formatConfigIssues } from './format-issues.js';
import { parseConfigText } from './load-config.js';
import { parseHostPort } from './probe-schemas.js';
import type { ConfigIssue, ConfigResult } from './types.js';

const SOURCE = 'probes.yaml';
const CANARY = 's3cretCanary';

/** A config whose `receivers:` section is `receivers` (indented YAML), all in one pipeline. */
function configText(receivers: string, ids: string[]): string {
  return [
    'receivers:',
    receivers.replace(/^/gm, '  '),
    'exporters:',
    '  file: {}',
    'service:',
    '  pipelines:',
    '    metrics:',
    `      receivers: [${ids.join(', ')}]`,
    '      exporters: [file]',
    '',
  ].join('\n');
}

function parse(receivers: string, ids: string[], env: Record<string, string> = {}): ConfigResult {
  return parseConfigText(configText(receivers, ids), SOURCE, env);
}

function errorsOf(result: ConfigResult): ConfigIssue[] {
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
}

function receiversOf(result: ConfigResult) {
  if (!result.ok) throw new Error(`expected a valid config:\n${formatConfigIssues(result.errors)}`);
  expect(result.warnings).toEqual([]);
  return result.config.receivers;
}

describe('probe receiver config', () => {
  it('parses every probe type with its defaults', () => {
    const receivers = receiversOf(
      parse(
        [
          'redis/cache:',
          '  endpoint: localhost:6379',
          'postgresql/db:',
          '  endpoint: postgresql://monitor@localhost:5432/app',
          'neo4j/graph:',
          '  endpoint: neo4j+s://graph.example:7688',
          '  username: neo4j',
          '  password: pw',
          'httpcheck/api:',
          '  endpoint: https://api.example/health',
          'tcpcheck:',
          '  endpoint: "[::1]:5672"',
        ].join('\n'),
        ['redis/cache', 'postgresql/db', 'neo4j/graph', 'httpcheck/api', 'tcpcheck'],
      ),
    );
    const timing = { collectionIntervalMillis: 10_000, timeoutMillis: 2_000, latencyThresholdMillis: undefined };
    expect(receivers).toEqual({
      'redis/cache': { type: 'redis', endpoint: 'localhost:6379', url: 'redis://localhost:6379', ...timing },
      'postgresql/db': { type: 'postgresql', endpoint: 'postgresql://monitor@localhost:5432/app', ...timing },
      'neo4j/graph': {
        type: 'neo4j',
        endpoint: 'neo4j+s://graph.example:7688',
        host: 'graph.example',
        port: 7688,
        tls: 'verify',
        username: 'neo4j',
        password: 'pw',
        ...timing,
      },
      'httpcheck/api': {
        type: 'httpcheck',
        endpoint: 'https://api.example/health',
        expectedStatus: [[200, 399]],
        ...timing,
      },
      tcpcheck: { type: 'tcpcheck', endpoint: '[::1]:5672', host: '::1', port: 5672, ...timing },
    });
  });

  it('carries interval, timeout, latency_threshold and expected_status in milliseconds and ranges', () => {
    const receivers = receiversOf(
      parse(
        [
          'httpcheck/api:',
          '  endpoint: http://localhost:8080/',
          '  collection_interval: 30s',
          '  timeout: 5s',
          '  latency_threshold: 750ms',
          '  expected_status: [200, "204", 300-302]',
        ].join('\n'),
        ['httpcheck/api'],
      ),
    );
    expect(receivers['httpcheck/api']).toMatchObject({
      collectionIntervalMillis: 30_000,
      timeoutMillis: 5_000,
      latencyThresholdMillis: 750,
      expectedStatus: [
        [200, 200],
        [204, 204],
        [300, 302],
      ],
    });
  });

  it('defaults the timeout to half a short interval, so collection_interval: 1s alone is valid', () => {
    const receivers = receiversOf(
      parse(['redis:', '  endpoint: redis://localhost', '  collection_interval: 1s'].join('\n'), ['redis']),
    );
    expect(receivers['redis']).toMatchObject({ collectionIntervalMillis: 1_000, timeoutMillis: 500 });
  });

  it('reports a bad scheme, a missing endpoint and timeout >= interval, each at its path, never echoing values', () => {
    const errors = errorsOf(
      parse(
        [
          'redis/cache:', // 2
          `  endpoint: http://:${CANARY}@localhost:6379`, // 3
          'postgresql/db:', // 4
          '  collection_interval: 10s', // 5
          'tcpcheck/q:', // 6
          '  endpoint: localhost:5672', // 7
          '  collection_interval: 5s', // 8
          '  timeout: 5s', // 9
          'neo4j/graph:', // 10
          `  endpoint: bolt://neo4j:${CANARY}@localhost`, // 11
          'httpcheck/api:', // 12
          `  endpoint: ftp://${CANARY}.example/`, // 13
          '  expected_status: [200, 700]', // 14
        ].join('\n'),
        ['redis/cache', 'postgresql/db', 'tcpcheck/q', 'neo4j/graph', 'httpcheck/api'],
      ),
    );
    expect(errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ['receivers.redis/cache.endpoint', 3, 'must be a redis:// or rediss:// URL, or host:port'],
      ['receivers.postgresql/db.endpoint', 4, 'is required'],
      ['receivers.tcpcheck/q.timeout', 9, 'must be shorter than collection_interval'],
      ['receivers.neo4j/graph.endpoint', 11, 'must not contain credentials'],
      ['receivers.httpcheck/api.endpoint', 13, 'must be an http:// or https:// URL'],
      ['receivers.httpcheck/api.expected_status[1]', 14, 'must be an HTTP status (100-599) or a range such as 200-299'],
    ]);
    expect(formatConfigIssues(errors)).not.toContain(CANARY);
  });

  it('never echoes an endpoint that came from the environment', () => {
    const errors = errorsOf(
      parse(['postgresql/db:', '  endpoint: ${PG_URL}'].join('\n'), ['postgresql/db'], {
        PG_URL: `mysql://root:${CANARY}@db/app`,
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['receivers.postgresql/db.endpoint']);
    expect(formatConfigIssues(errors)).not.toContain(CANARY);
  });

  it('checks durations, the latency threshold against the timeout, and a password without a username', () => {
    const errors = errorsOf(
      parse(
        [
          'redis:',
          '  endpoint: localhost:6379',
          '  collection_interval: 500ms',
          'neo4j:',
          '  endpoint: localhost:7687',
          '  password: pw',
          '  latency_threshold: 2s',
          'tcpcheck:',
          '  endpoint: localhost',
          'httpcheck:',
          '  endpoint: http://localhost/',
          '  timeout: 10',
        ].join('\n'),
        ['redis', 'neo4j', 'tcpcheck', 'httpcheck'],
      ),
    );
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['receivers.redis.collection_interval', 'must be at least 1s'],
      ['receivers.neo4j.password', 'a password needs a username'],
      ['receivers.neo4j.latency_threshold', 'must be shorter than timeout'],
      ['receivers.tcpcheck.endpoint', 'must be host:port'],
      ['receivers.httpcheck.timeout', 'a duration needs a unit'],
    ]);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['localhost:6379', { host: 'localhost', port: 6379 }],
    ['10.0.0.5:5432', { host: '10.0.0.5', port: 5432 }],
    ['[::1]:7687', { host: '::1', port: 7687 }],
    ['localhost', undefined],
    ['localhost:0', undefined],
    ['localhost:65536', undefined],
    ['redis://localhost:6379', undefined],
    ['user@localhost:1', undefined],
  ])('%s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });
});
