import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'prism_session';
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

/** `HttpOnly` keeps it from scripts; `SameSite=Strict` keeps other sites' requests from carrying it. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The session token a request carries: its cookie, or `Authorization: Bearer` for scripts. */
export function presentedTokens(headers: {
  cookie?: string | undefined;
  authorization?: string | undefined;
}): string[] {
  const found: string[] = [];
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) found.push(auth.slice('Bearer '.length).trim());
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) found.push(part.slice(eq + 1).trim());
  }
  return found;
}

export function hasValidToken(
  headers: { cookie?: string | undefined; authorization?: string | undefined },
  token: string,
): boolean {
  // Every candidate is compared, so the time taken does not tell which one matched.
  return presentedTokens(headers).reduce((ok, candidate) => tokensEqual(candidate, token) || ok, false);
}
