import { describe, expect, it } from 'vitest';
import { checkPolicy } from './check-policy.js';
import { DEFAULT_POLICY } from './default-policy.js';
import type { Policy } from './types.js';

describe('checkPolicy', () => {
  it('accepts the default policy', () => {
    expect(checkPolicy(DEFAULT_POLICY)).toEqual([]);
  });

  it('rejects a gauge that drops an attribute and a level that reveals more than a wider one', () => {
    const bad: Policy = {
      ...DEFAULT_POLICY,
      metrics: [
        {
          name: 'x',
          unit: '1',
          description: '',
          category: 'health',
          instrument: 'gauge',
          minLevel: 'minimal',
          attributes: [
            { key: 'k', description: '', treatment: { minimal: 'keep', standard: 'drop', detailed: 'hash' } },
          ],
        },
      ],
    };
    const problems = checkPolicy(bad);
    expect(problems.some((p) => p.includes('must not drop'))).toBe(true);
    expect(problems.some((p) => p.includes('minimal reveals more than standard'))).toBe(true);
  });
});
