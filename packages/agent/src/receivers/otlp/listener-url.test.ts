import { describe, expect, it } from 'vitest';
import { otlpListenerUrl } from './listener-url.js';

describe('otlpListenerUrl', () => {
  it('names a receiver listener as a URL, IPv6 in brackets', () => {
    expect(otlpListenerUrl({ host: '127.0.0.1', port: 4318 })).toBe('http://127.0.0.1:4318');
    expect(otlpListenerUrl({ host: '::1', port: 4318 })).toBe('http://[::1]:4318');
  });
});
