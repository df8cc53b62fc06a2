import type { Attributes, HrTime } from '@opentelemetry/api';
import { DataPointType, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';

/** Canonical key of an attribute set, independent of key order. */
export function attributesKey(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}

const earlier = (a: HrTime, b: HrTime): HrTime => (a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b);
const later = (a: HrTime, b: HrTime): HrTime => (earlier(a, b) === a ? b : a);

function sameBoundaries(a: Histogram, b: Histogram): boolean {
  const x = a.buckets.boundaries;
  const y = b.buckets.boundaries;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function mergeHistogram(a: Histogram, b: Histogram): Histogram | undefined {
  if (!sameBoundaries(a, b)) return undefined;
  const min = a.min === undefined ? b.min : b.min === undefined ? a.min : Math.min(a.min, b.min);
  const max = a.max === undefined ? b.max : b.max === undefined ? a.max : Math.max(a.max, b.max);
  return {
    buckets: {
      boundaries: a.buckets.boundaries,
      counts: a.buckets.counts.map((c, i) => c + (b.buckets.counts[i] ?? 0)),
    },
    count: a.count + b.count,
    sum: a.sum !== undefined && b.sum !== undefined ? a.sum + b.sum : undefined,
    min,
    max,
  };
}

/**
 * Merges data points whose attributes became equal after the privacy policy removed or hashed keys:
 * sums add, gauges keep the newest value, histograms with equal boundaries add bucket by bucket.
 * Returns the merged points and how many points could not be merged (dropped).
 */
export function mergeDataPoints(
  metric: MetricData,
  points: DataPoint<unknown>[],
): { points: DataPoint<unknown>[]; unmergeable: number } {
  const byKey = new Map<string, DataPoint<unknown>>();
  let unmergeable = 0;
  for (const point of points) {
    const key = attributesKey(point.attributes);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, point);
      continue;
    }
    const startTime = earlier(seen.startTime, point.startTime);
    const endTime = later(seen.endTime, point.endTime);
    switch (metric.dataPointType) {
      case DataPointType.SUM:
        byKey.set(key, { ...seen, startTime, endTime, value: (seen.value as number) + (point.value as number) });
        break;
      case DataPointType.GAUGE:
        byKey.set(key, later(seen.endTime, point.endTime) === point.endTime ? point : seen);
        break;
      case DataPointType.HISTOGRAM: {
        const value = mergeHistogram(seen.value as Histogram, point.value as Histogram);
        if (value) byKey.set(key, { ...seen, startTime, endTime, value });
        else unmergeable++;
        break;
      }
      default:
        unmergeable++;
    }
  }
  return { points: [...byKey.values()], unmergeable };
}
