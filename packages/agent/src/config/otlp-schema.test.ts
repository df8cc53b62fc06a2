import { describe, expect, it } from 'vitest';
import { otlpReceiverSchema } from './otlp-schema.js';

const issues = (input: unknown) => {
  const result = otlpReceiverSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('otlp receiver config', () => {
  it('listens on loopback by default, with the Collector’s limits, parsed once', () => {
    expect(otlpReceiverSchema.parse({})).toEqual({
      type: 'otlp',
      endpoint: '127.0.0.1:4318',
      host: '127.0.0.1',
      port: 4318,
      maxRequestBodyBytes: 20 * 1024 * 1024,
      maxConcurrentRequests: 16,
      maxPointsPerSecond: 100_000,
      headerTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
  });

  it('takes what is written, 0.0.0.0 and IPv6 included', () => {
    expect(
      otlpReceiverSchema.parse({
        endpoint: '0.0.0.0:14318',
        max_request_body_size: '4MiB',
        max_concurrent_requests: 2,
        max_points_per_second: 5000,
        header_timeout: '2s',
        idle_timeout: '1m',
      }),
    ).toMatchObject({
      host: '0.0.0.0',
      port: 14318,
      maxRequestBodyBytes: 4 * 1024 * 1024,
      maxConcurrentRequests: 2,
      maxPointsPerSecond: 5000,
      headerTimeoutMillis: 2_000,
      idleTimeoutMillis: 60_000,
    });
    expect(otlpReceiverSchema.parse({ endpoint: '[::1]:4318' })).toMatchObject({ host: '::1', port: 4318 });
  });

  it('says what is wrong, where', () => {
    expect(issues({ endpoint: 'http://127.0.0.1:4318' })).toEqual([{ path: 'endpoint', message: 'must be host:port' }]);
    expect(issues({ endpoint: '127.0.0.1:99999' })).toEqual([{ path: 'endpoint', message: 'must be host:port' }]);
    expect(issues({ max_concurrent_requests: 0 })).toEqual([
      { path: 'max_concurrent_requests', message: 'must be at least 1' },
    ]);
    expect(issues({ max_concurrent_requests: 1.5 })).toEqual([
      { path: 'max_concurrent_requests', message: 'must be a whole number' },
    ]);
    expect(issues({ max_points_per_second: 0 })).toEqual([
      { path: 'max_points_per_second', message: 'must be at least 1' },
    ]);
    expect(issues({ max_points_per_second: '1k' })).toHaveLength(1);
    expect(issues({ max_request_body_size: '10B' })).toEqual([
      { path: 'max_request_body_size', message: 'must be at least 1KiB' },
    ]);
    expect(issues({ header_timeout: 'soon' })).toHaveLength(1);
    expect(issues({ protocols: {} })).toHaveLength(1);
  });
});
