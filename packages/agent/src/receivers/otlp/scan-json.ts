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

const ONES = 0x01010101;
const HIGHS = 0x80808080;
const QUOTES = QUOTE * ONES;
const BACKSLASHES = BACKSLASH * ONES;

/** Whether any byte of the 32-bit word `word` is zero (the classic bit trick, no false positives). */
const anyZeroByte = (word: number): boolean => ((word - ONES) & ~word & HIGHS) !== 0;

/** A problem that makes the body unacceptable, or undefined. Says what, never quotes the body. */
export function scanJson(body: Uint8Array, limits: JsonLimits = JSON_LIMITS): string | undefined {
  const { maxDepth, maxItems } = limits;
  const length = body.length;
  const words = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const lastWord = length - 4;
  let depth = 0;
  let items = 0;
  let i = 0;
  while (i < length) {
    const byte = body[i++]!;
    if (byte === QUOTE) {
      // Through the string in a loop of its own (most of an OTLP body is field names and values), four bytes
      // at a time while none of them is a quote or a backslash.
      while (i <= lastWord) {
        const word = words.getUint32(i, true);
        if (anyZeroByte(word ^ QUOTES) || anyZeroByte(word ^ BACKSLASHES)) break;
        i += 4;
      }
      while (i < length) {
        const inner = body[i++]!;
        if (inner === QUOTE) break;
        if (inner === BACKSLASH) i++;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return `the JSON nests deeper than ${maxDepth} levels`;
      if (++items > maxItems) return `the JSON holds more than ${maxItems} values`;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    } else if (byte === COMMA || byte === COLON) {
      if (++items > maxItems) return `the JSON holds more than ${maxItems} values`;
    }
  }
  return undefined;
}
