import { describe, expect, it } from 'vitest';
import { scanJson } from './scan-json.js';

const scan = (text: string, limits = { maxDepth: 4, maxItems: 10 }) => scanJson(Buffer.from(text), limits);

describe('scanJson', () => {
  it('accepts what is within the limits', () => {
    expect(scan('{"a":[1,2,{"b":[]}]}')).toBeUndefined();
    expect(scanJson(Buffer.from(JSON.stringify({ resourceMetrics: [] })))).toBeUndefined();
  });

  it('refuses nesting past the depth limit, without quoting the body', () => {
    expect(scan('[[[[[]]]]]')).toBe('the JSON nests deeper than 4 levels');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(scanJson(Buffer.from(deep))).toBe('the JSON nests deeper than 64 levels');
  });

  it('counts containers and separators against the item limit', () => {
    expect(scan('[' + '{},'.repeat(5) + '{}]')).toBe('the JSON holds more than 10 values');
    expect(scan('[1,2,3,4,5,6,7,8,9,10,11,12]')).toBe('the JSON holds more than 10 values');
  });

  it('ignores brackets and separators inside strings, escaped quotes included', () => {
    expect(scan('["[[[[[,,,,,,,,,,,,", "\\"[[[[[[[[[["]')).toBeUndefined();
  });

  it('finds the end of a string wherever a quote or an escape falls in a four-byte word', () => {
    // Strings are skipped four bytes at a time: put the escape and the closing quote at every offset.
    for (let pad = 0; pad < 8; pad++) {
      const filler = 'a'.repeat(pad);
      expect(scan(`["${filler}\\"[[[[[[", "x"]`), `escaped quote after ${pad}`).toBeUndefined();
      expect(scan(`["${filler}\\\\", [[[[[[[[]]]]]]]]]`, { maxDepth: 4, maxItems: 100 }), `pad ${pad}`).toBe(
        'the JSON nests deeper than 4 levels',
      );
      expect(scan(`["${filler}"[[[[[]]]]]]`, { maxDepth: 4, maxItems: 100 }), `quote after ${pad}`).toBe(
        'the JSON nests deeper than 4 levels',
      );
      // Offsets into a larger buffer: the body need not start on a word boundary.
      const body = Buffer.from(` ["${filler}\\"[[[[[", "[[[[["]`).subarray(1);
      expect(scanJson(body, { maxDepth: 4, maxItems: 10 }), `subarray ${pad}`).toBeUndefined();
    }
  });
});
