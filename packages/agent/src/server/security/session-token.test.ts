import { describe, expect, it } from 'vitest';
import { dashboardUrl, hasValidBearer, newSessionToken, tokensEqual } from './session-token.js';

describe('the dashboard access token', () => {
  it('is 32 random bytes, base64url, and travels in the URL fragment', () => {
    const token = newSessionToken((size) => Buffer.alloc(size, 0xfb));
    expect(token).toBe(Buffer.alloc(32, 0xfb).toString('base64url'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(newSessionToken());
    const url = new URL(dashboardUrl('http://127.0.0.1:8080', token));
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${token}`);
  });

  it('compares tokens of any length', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual('abc'.repeat(100), 'abc')).toBe(false);
  });

  it('accepts exactly `Authorization: Bearer <token>`', () => {
    const token = newSessionToken();
    expect(hasValidBearer(`Bearer ${token}`, token)).toBe(true);
    expect(hasValidBearer(`bearer ${token}`, token)).toBe(true);
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer ${token}x`,
      `Bearer ${token} ${token}`,
      `Basic ${token}`,
      token,
      `prism_session=${token}`,
    ]) {
      expect(hasValidBearer(header, token), String(header)).toBe(false);
    }
    expect(hasValidBearer([`Bearer ${token}`, `Bearer ${token}`], token)).toBe(false);
    expect(hasValidBearer('Bearer ', '')).toBe(false);
  });
});
