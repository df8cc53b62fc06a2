import { describe, expect, it } from 'vitest';
import { parseJsonPath, valueAtJsonPath } from './json-path.js';

describe('json_path', () => {
  it('parses keys and indexes', () => {
    expect(parseJsonPath('a.b[0].c')).toEqual({ ok: true, segments: ['a', 'b', 0, 'c'] });
    expect(parseJsonPath('')).toEqual({ ok: true, segments: [] });
    expect(parseJsonPath('[2]')).toEqual({ ok: true, segments: [2] });
    expect(parseJsonPath('consciousness_level')).toEqual({ ok: true, segments: ['consciousness_level'] });
    expect(parseJsonPath('m[1][0]')).toEqual({ ok: true, segments: ['m', 1, 0] });
  });

  it('rejects what it cannot read', () => {
    for (const bad of ['.a', 'a.', 'a..b', 'a[x]', 'a b', 'a[-1]', '$.a.*', 'a]']) {
      expect(parseJsonPath(bad).ok, bad).toBe(false);
    }
  });

  it('finds the value, or undefined', () => {
    const doc = { a: { b: [{ c: 42 }] }, n: null };
    expect(valueAtJsonPath(doc, ['a', 'b', 0, 'c'])).toBe(42);
    expect(valueAtJsonPath(doc, ['a', 'b', 1, 'c'])).toBeUndefined();
    expect(valueAtJsonPath(doc, ['a', 'x'])).toBeUndefined();
    expect(valueAtJsonPath(doc, ['n', 'x'])).toBeUndefined();
    expect(valueAtJsonPath(doc, ['a', 0])).toBeUndefined();
    expect(valueAtJsonPath(doc, ['toString'])).toBeUndefined();
    expect(valueAtJsonPath(7, [])).toBe(7);
  });
});
