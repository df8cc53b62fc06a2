import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MILLIS, parseRetryAfter } from './retry-after.js';

const NOW = Date.UTC(2026, 10, 6, 8, 49, 37);

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(['7', '9'], NOW)).toBe(7000);
  });

  it('reads the three HTTP-date forms as UTC, relative to now', () => {
    expect(parseRetryAfter('Fri, 06 Nov 2026 08:50:07 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Friday, 06-Nov-26 08:50:07 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Fri Nov  6 08:50:07 2026', NOW)).toBe(30_000);
  });

  it('makes a date in the past 0', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('caps what a server asks for', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(MAX_RETRY_AFTER_MILLIS);
    expect(parseRetryAfter('99999999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MILLIS);
    expect(parseRetryAfter('Sat, 06 Nov 2027 08:49:37 GMT', NOW)).toBe(MAX_RETRY_AFTER_MILLIS);
    expect(parseRetryAfter('600', NOW, 5000)).toBe(5000);
  });

  it('gives undefined for anything else', () => {
    for (const value of [
      undefined,
      '',
      '-5',
      '1.5',
      '10s',
      'soon',
      'Fri, 06 Nov 2026 08:50:07',
      'Fri, 99 Foo 2026 08:50:07 GMT',
    ]) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });
});
