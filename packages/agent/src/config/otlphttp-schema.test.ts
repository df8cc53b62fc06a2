import { describe, expect, it } from 'vitest';
import { otlpHttpExporterSchema } from './otlphttp-schema.js';

const ENDPOINT = 'https://collector.example/v1/collect';
const issues = (input: Record<string, unknown>) => {
  const result = otlpHttpExporterSchema.safeParse({ endpoint: ENDPOINT, ...input });
  return result.success
    ? []
    : result.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
        hint: (i as { params?: { hint?: string } }).params?.hint,
      }));
};

describe('otlphttp exporter config', () => {
  it('parses queue, retry, TLS and level settings into units', () => {
    expect(
      otlpHttpExporterSchema.parse({
        endpoint: ENDPOINT,
        api_key: 'k-123',
        encoding: 'json',
        compression: 'none',
        tls: { ca_file: '/etc/prism/ca.pem' },
        privacy_level: 'minimal',
        sending_queue: { batch_size: 10, flush_interval: '2s', max_size: '1MiB', max_age: '1h' },
        retry_on_failure: { max_retries: 0, initial_interval: '100ms', max_interval: '1s' },
      }),
    ).toMatchObject({
      apiKey: 'k-123',
      encoding: 'json',
      compression: 'none',
      caFile: '/etc/prism/ca.pem',
      privacyLevel: 'minimal',
      queue: { batchRecords: 10, flushIntervalMillis: 2_000, maxBytes: 1024 ** 2, maxAgeMillis: 3_600_000 },
      retry: { maxRetries: 0, initialBackoffMillis: 100, maxBackoffMillis: 1_000 },
    });
  });

  it('treats an empty api_key (an unset ${VAR:-}) as none', () => {
    expect(otlpHttpExporterSchema.parse({ endpoint: ENDPOINT, api_key: '' }).apiKey).toBeUndefined();
  });

  it('refuses contradictions and says which key to change', () => {
    expect(issues({ api_key: 'k', headers: { authorization: 'Bearer x' } })).toEqual([
      {
        path: 'api_key',
        message: 'api_key and an Authorization header are both set',
        hint: 'keep one: api_key is sent as "Authorization: Bearer <key>"',
      },
    ]);
    expect(issues({ retry_on_failure: { initial_interval: '1m', max_interval: '10s' } })[0]).toMatchObject({
      path: 'retry_on_failure.max_interval',
    });
    expect(issues({ tls: { ca_file: 'ca.pem' } })[0]).toMatchObject({
      path: 'tls.ca_file',
      message: 'must be an absolute path',
    });
    expect(issues({ sending_queue: { batch_size: 0 } })[0]).toMatchObject({ path: 'sending_queue.batch_size' });
    expect(issues({ encoding: 'xml' })[0]).toMatchObject({ path: 'encoding' });
    expect(issues({ privacy_level: 'everything' })[0]).toMatchObject({ path: 'privacy_level' });
  });
});
