import { describe, expect, it } from 'vitest';
import { applevelSchema } from './applevel-schema.js';

const issues = (input: unknown) => {
  const result = applevelSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('applevel receiver config', () => {
  it('fills the defaults and parses json_path and durations once', () => {
    expect(
      applevelSchema.parse({ endpoint: 'http://127.0.0.1:8000/consciousness/level', json_path: 'level.current' }),
    ).toEqual({
      type: 'applevel',
      endpoint: 'http://127.0.0.1:8000/consciousness/level',
      jsonPath: ['level', 'current'],
      collectionIntervalMillis: 10_000,
      timeoutMillis: 2_000,
      windowMillis: 3_600_000,
      deadBandPerHour: 1,
      stalenessMillis: 60_000,
    });
    expect(applevelSchema.parse({ endpoint: 'https://app.example/level' }).jsonPath).toEqual([]);
  });

  it('says what is wrong, where', () => {
    expect(issues({})).toEqual([{ path: 'endpoint', message: 'Invalid input: expected string, received undefined' }]);
    expect(issues({ endpoint: 'level' })).toEqual([{ path: 'endpoint', message: 'is not a URL' }]);
    expect(issues({ endpoint: 'ftp://127.0.0.1/x' })).toEqual([
      { path: 'endpoint', message: 'must be an http or https URL' },
    ]);
    expect(issues({ endpoint: 'http://u:p@127.0.0.1/' })).toEqual([
      { path: 'endpoint', message: 'must not contain credentials' },
    ]);
    expect(issues({ endpoint: 'http://127.0.0.1/', json_path: 'a..b' })).toEqual([
      { path: 'json_path', message: expect.stringContaining('is not a valid path') },
    ]);
    expect(issues({ endpoint: 'http://127.0.0.1/', window: '20s' })).toEqual([
      { path: 'window', message: 'must be at least 1m' },
    ]);
    expect(issues({ endpoint: 'http://127.0.0.1/', collection_interval: '1m', window: '2m' })).toEqual([
      { path: 'window', message: 'must be at least 3 times collection_interval' },
    ]);
    expect(issues({ endpoint: 'http://127.0.0.1/', staleness: '5s' })).toEqual([
      { path: 'staleness', message: 'must be at least collection_interval' },
    ]);
    expect(issues({ endpoint: 'http://127.0.0.1/', dead_band: -1 })).toHaveLength(1);
    expect(issues({ endpoint: 'http://127.0.0.1/', url: 'x' })).toHaveLength(1);
  });
});
