/*
 * A pass over an OTLP/JSON body before JSON.parse. V8 parses nesting of any depth without complaint, so 20 MiB
 * of `[[[[...` would build ten million arrays and take seconds; and 20 MiB of `{},{},...` builds millions of
 * objects. Counting brackets and separators (outside strings) bounds both before anything is allocated.
 */

export interface JsonLimits {
  /** Objects and arrays inside one another. A real request nests about 16 deep. */
  maxDepth: number;
  /** Objects, arrays and separators (`,` `:`) together: what JSON.parse would allocate, roughly. */
  maxItems: number;
}

export const JSON_LIMITS: JsonLimits = { maxDepth: 64, maxItems: 2_000_000 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A problem that makes the body unacceptable, or undefined. Says what, never quotes the body. */
export function scanJson(body: Uint8Array, limits: JsonLimits = JSON_LIMITS): string | undefined {
  let depth = 0;
  let items = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (++depth > limits.maxDepth) return `the JSON nests deeper than ${limits.maxDepth} levels`;
        if (++items > limits.maxItems) return `the JSON holds more than ${limits.maxItems} values`;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth--;
        break;
      case COMMA:
      case COLON:
        if (++items > limits.maxItems) return `the JSON holds more than ${limits.maxItems} values`;
        break;
    }
  }
  return undefined;
}
