import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { attributesKey, mergeDataPoints } from './merge-points.js';

const descriptor = { name: 'm', description: '', unit: '', valueType: 1 };
const sum = (points: DataPoint<number>[]): MetricData => ({
  descriptor,
  aggregationTemporality: AggregationTemporality.CUMULATIVE,
  dataPointType: DataPointType.SUM,
  isMonotonic: true,
  dataPoints: points,
});
const point = (attributes: Attributes, value = 1, end = 10): DataPoint<number> => ({
  attributes,
  startTime: [1, 0],
  endTime: [end, 0],
  value,
});

/** Groups the way the merge does: by attributesKey, each group's values summed in order. */
function expectedSums(points: DataPoint<number>[]): number[] {
  const sums = new Map<string, number>();
  for (const p of points) {
    const key = attributesKey(p.attributes);
    sums.set(key, (sums.get(key) ?? 0) + p.value);
  }
  return [...sums.values()];
}

describe('mergeDataPoints', () => {
  it('groups attribute sets exactly as attributesKey does, whatever the key order and value type', () => {
    const sets: Attributes[] = [
      { a: 'x', b: 1 },
      { b: 1, a: 'x' },
      { a: 'x', b: '1' },
      { a: 'x', b: 1.0 },
      { a: 'x', b: -0 },
      { a: 'x', b: 0 },
      { a: 'x', b: Number.NaN },
      { a: 'x', b: Number.POSITIVE_INFINITY },
      { a: 'x', b: undefined },
      { a: 'x', b: true },
      { a: 'x', b: 'true' },
      { a: 'x' },
      { 'a"': 'x' },
      { a: 'x"' },
      { a: '1:x' },
      { 'a1:': 'x' },
      {},
    ];
    const points = sets.map((attributes, i) => point(attributes, 2 ** i));
    const merged = mergeDataPoints(sum(points), points);
    expect(merged.points.map((p) => p.value)).toEqual(expectedSums(points));
    expect(merged.unmergeable).toBe(0);
  });

  it('groups array values by their JSON, as attributesKey does', () => {
    const points = [point({ zones: ['a', 'b'] }, 1), point({ zones: ['a', 'b'] }, 2), point({ zones: ['a'] }, 4)];
    expect(mergeDataPoints(sum(points), points).points.map((p) => p.value)).toEqual([3, 4]);
  });

  it('never changes the input points, however many merge into one', () => {
    const points = [point({ a: 'x' }, 1, 10), point({ a: 'x' }, 2, 12), point({ a: 'x' }, 4, 11)];
    const before = structuredClone(points);
    const merged = mergeDataPoints(sum(points), points);
    expect(points).toEqual(before);
    expect(merged.points).toEqual([{ attributes: { a: 'x' }, startTime: [1, 0], endTime: [12, 0], value: 7 }]);
  });
});
