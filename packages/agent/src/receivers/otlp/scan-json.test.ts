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
});
