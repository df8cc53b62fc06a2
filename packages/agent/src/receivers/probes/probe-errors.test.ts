import { describe, expect, it } from 'vitest';
import { classifyProbeError, describeProbeResult, ProbeFailure } from './probe-errors.js';

const systemError = (code: string, message = `${code} 10.1.2.3:5432 user=admin`) =>
  Object.assign(new Error(message), { code });

describe('classifyProbeError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'host not found'],
    ['ETIMEDOUT', 'timed out'],
    ['ECONNRESET', 'connection reset'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS error'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS error'],
    ['CERT_HAS_EXPIRED', 'TLS error'],
    ['EWHATEVER', 'failed'],
  ])('maps %s to "%s"', (code, expected) => {
    expect(classifyProbeError(systemError(code))).toBe(expected);
  });

  it('finds the code in a cause or among the addresses of an AggregateError', () => {
    expect(classifyProbeError(new Error('fetch failed', { cause: systemError('ECONNREFUSED') }))).toBe(
      'connection refused',
    );
    const both = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], 'localhost');
    expect(classifyProbeError(both)).toBe('connection refused');
  });

  it('keeps a ProbeFailure’s code and never returns a message', () => {
    expect(classifyProbeError(new ProbeFailure('HTTP 503'))).toBe('HTTP 503');
    expect(classifyProbeError(new Error('password authentication failed for user "alice"'))).toBe('failed');
    expect(classifyProbeError('a string')).toBe('failed');
    expect(classifyProbeError(undefined)).toBe('failed');
  });
});

describe('describeProbeResult', () => {
  it('says which service and what happened, nothing else', () => {
    expect(describeProbeResult('cache', { up: false, errorCode: 'connection refused' })).toBe(
      'service "cache": connection refused',
    );
    expect(describeProbeResult('db', { up: true })).toBe('service "db": up');
  });
});
