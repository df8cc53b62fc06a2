import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from './did-you-mean.js';

describe('didYouMean', () => {
  it('measures edit distance', () => {
    expect(levenshtein('helth', 'health')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
  });

  it('offers the closest candidate within distance 2, ignoring case', () => {
    expect(didYouMean('helth', ['health', 'level', 'errors'])).toBe('health');
    expect(didYouMean('Privacy_Level', ['privacy_level'])).toBe('privacy_level');
    expect(didYouMean('otlp', ['file', 'otlphttp'])).toBeUndefined();
    expect(didYouMean('x', ['d', 'ab'])).toBeUndefined();
  });
});
