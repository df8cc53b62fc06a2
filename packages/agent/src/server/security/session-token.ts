import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_BYTES = 32;

/** A fresh token per launch: 32 random bytes, base64url. */
export function newSessionToken(random: (size: number) => Buffer = randomBytes): string {
  return random(TOKEN_BYTES).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant time whatever the lengths: the digests always have the same length. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The URL to open: the token goes in the fragment, which the browser never sends to any server (not in the
 * request, not in `Referer`, not in a server log); the page reads it and keeps it in its own `sessionStorage`.
 */
export function dashboardUrl(origin: string, token: string): string {
  return `${origin}/#token=${token}`;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i;

/**
 * The one credential the API accepts: `Authorization: Bearer <token>`, which a browser only sends when the
 * dashboard's own script adds it. Never a cookie: cookies are not port-scoped, so every web server on any port
 * of 127.0.0.1 the browser visits would receive one. A repeated or malformed header counts as none.
 */
export function hasValidBearer(authorization: string | string[] | undefined, token: string): boolean {
  const given = typeof authorization === 'string' ? (BEARER.exec(authorization)?.[1] ?? '') : '';
  // Compared even when absent, so the time taken does not tell a missing token from a wrong one.
  const equal = tokensEqual(given, token);
  return given !== '' && equal;
}
