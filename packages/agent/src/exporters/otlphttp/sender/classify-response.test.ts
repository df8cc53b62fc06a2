import { describe, expect, it } from 'vitest';
import { classifyResponse } from './classify-response.js';

const context = { requestEncoding: 'protobuf' as const, bytes: 123, nowMillis: Date.UTC(2026, 0, 1) };

describe('classifyResponse', () => {
  it('counts any 2xx as success', () => {
    for (const status of [200, 202, 204]) {
      expect(classifyResponse({ status, headers: {}, body: Buffer.alloc(0) }, context)).toEqual({
        kind: 'success',
        status,
        rejectedDataPoints: 0,
        bytes: 123,
      });
    }
  });

  it('does not parse a body that was not read to its end', () => {
    const headers = { 'content-type': 'application/json' };
    expect(classifyResponse({ status: 200, headers, body: undefined }, context)).toMatchObject({
      rejectedDataPoints: 0,
    });
  });

  it('retries 429, 502, 503 and 504 only, with Retry-After', () => {
    for (const status of [429, 502, 503, 504]) {
      expect(classifyResponse({ status, headers: { 'retry-after': '5' }, body: undefined }, context)).toEqual({
        kind: 'retryable',
        status,
        reason: `http_${status}`,
        retryAfterMillis: 5000,
        bytes: 123,
      });
    }
    for (const status of [400, 401, 403, 404, 408, 413, 500, 501, 505]) {
      expect(classifyResponse({ status, headers: { 'retry-after': '5' }, body: undefined }, context)).toEqual({
        kind: 'failed',
        status,
        reason: `http_${status}`,
        bytes: 123,
      });
    }
  });

  it('fails a redirect', () => {
    for (const status of [301, 302, 307, 308]) {
      expect(
        classifyResponse({ status, headers: { location: 'https://elsewhere/' }, body: undefined }, context),
      ).toEqual({
        kind: 'failed',
        status,
        reason: `redirect_${status}`,
        bytes: 123,
      });
    }
  });
});
