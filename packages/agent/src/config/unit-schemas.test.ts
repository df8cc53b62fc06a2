import { describe, expect, it } from 'vitest';
import { durationSetting, optionalDuration, sizeSetting } from './unit-schemas.js';

describe('durationSetting and sizeSetting', () => {
  it('parse the default when the key is absent', () => {
    expect(durationSetting('10s').parse(undefined)).toBe(10_000);
    expect(sizeSetting('1KiB').parse(undefined)).toBe(1024);
  });

  it('report the parser’s message and hint, and the minimum', () => {
    const result = durationSetting('10s', { value: 1_000, text: '1s' }).safeParse('500ms');
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual(['must be at least 1s']);
    const unitless = durationSetting('10s').safeParse(5);
    expect(
      unitless.success ? [] : unitless.error.issues.map((i) => [i.message, 'params' in i ? i.params : undefined]),
    ).toEqual([['a duration needs a unit', { hint: 'write a unit, e.g. 10s' }]]);
  });
});

describe('optionalDuration', () => {
  it('is undefined when absent or empty, so a default can depend on other keys', () => {
    expect(optionalDuration().parse(undefined)).toBeUndefined();
    expect(optionalDuration().parse(null)).toBeUndefined();
    expect(optionalDuration().parse('1m')).toBe(60_000);
  });

  it('applies the minimum', () => {
    expect(optionalDuration({ value: 0, text: '0s' }).parse('0s')).toBe(0);
    expect(optionalDuration().safeParse('0s').success).toBe(false);
  });
});
