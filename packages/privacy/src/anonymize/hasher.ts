import { createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';

const PREFIX = 'anon:';
const PSEUDONYM = /^anon:[0-9a-f]{32}$/;

/** Turns values into keyed pseudonyms: stable within one install (one secret), unlinkable across installs. */
export interface Pseudonymizer {
  pseudonym(value: string | number | boolean): string;
  isPseudonym(value: unknown): boolean;
}

export interface HmacPseudonymizerOptions {
  /** The per-install secret; at least 32 bytes. */
  secret: Uint8Array;
  /** Distinct values remembered; repeated values cost a lookup instead of an HMAC. */
  cacheSize?: number;
}

export function createHmacPseudonymizer(options: HmacPseudonymizerOptions): Pseudonymizer {
  if (options.secret.byteLength < 32) throw new Error('the pseudonymizer secret must be at least 32 bytes');
  const secret = Buffer.from(options.secret);
  const cache = new LRUCache<string, string>({ max: options.cacheSize ?? 10_000 });
  return {
    pseudonym(value) {
      // Numbers arrive as numbers from OTLP/JSON and as strings from protobuf: hash the same text for both.
      const text = String(value);
      let hashed = cache.get(text);
      if (hashed === undefined) {
        hashed = PREFIX + createHmac('sha256', secret).update(text).digest('hex').slice(0, 32);
        cache.set(text, hashed);
      }
      return hashed;
    },
    isPseudonym: (value) => typeof value === 'string' && PSEUDONYM.test(value),
  };
}
