import { describe, expect, it } from 'vitest';
import { countDataPoints } from './count-data-points.js';
import { everyKindRequest } from './otlp-fixtures.test.helper.js';
import { toResourceMetrics } from './to-resource-metrics.js';

describe('countDataPoints', () => {
  it('counts every point of every metric', () => {
    const [resource] = toResourceMetrics(everyKindRequest()).resourceMetrics;
    expect(countDataPoints(resource!)).toBe(6);
    expect(countDataPoints({ ...resource!, scopeMetrics: [] })).toBe(0);
  });
});
