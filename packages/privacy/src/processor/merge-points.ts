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

/**
 * A key equal for two attribute sets exactly when their `attributesKey`s are equal, built without JSON: each
 * key and string value is length-prefixed (so no text can pass for another), a number is written as JSON writes
 * it, and what JSON writes as `null` (undefined, null, NaN, infinities) is one token. Undefined when a value is
 * not a primitive (an array): then only `attributesKey` says what JSON would make of it.
 */
function primitiveKey(attributes: Attributes): string | undefined {
  const keys = Object.keys(attributes);
  for (let i = 1; i < keys.length; i++) {
    if (!(keys[i - 1]! < keys[i]!)) {
      keys.sort();
      break;
    }
  }
  // Joined once at the end: a key grown by `+=` is a rope that every Map lookup would first have to flatten.
  const parts: string[] = [];
  for (const name of keys) {
    const value = attributes[name];
    let token: string;
    switch (typeof value) {
      case 'string':
        token = `s${value.length}:${value}`;
        break;
      case 'number':
        token = Number.isFinite(value) ? `n${value};` : 'z';
        break;
      case 'boolean':
        token = value ? 't' : 'f';
        break;
      case 'undefined':
        token = 'z';
        break;
      default:
        if (value === null) {
          token = 'z';
          break;
        }
        return undefined;
    }
    parts.push(`${name.length}:${name}${token}`);
  }
  return parts.join('');
}

const earlier = (a: HrTime, b: HrTime): HrTime => (a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b);
const later = (a: HrTime, b: HrTime): HrTime => (earlier(a, b) === a ? b : a);

function sameBoundaries(a: Histogram, b: Histogram): boolean {
  const x = a.buckets.boundaries;
  const y = b.buckets.boundaries;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const minOf = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);
const maxOf = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** A new histogram holding `a` plus `b` (whose boundaries are the same). */
function mergedHistogram(a: Histogram, b: Histogram): Histogram {
  return {
    buckets: {
      boundaries: a.buckets.boundaries,
      counts: a.buckets.counts.map((c, i) => c + (b.buckets.counts[i] ?? 0)),
    },
    count: a.count + b.count,
    sum: a.sum !== undefined && b.sum !== undefined ? a.sum + b.sum : undefined,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
  };
}

/** Adds `b` into `into`, a histogram made by `mergedHistogram`: the same result as merging into a new one. */
function addHistogram(into: Histogram, b: Histogram): void {
  const counts = into.buckets.counts;
  for (let i = 0; i < counts.length; i++) counts[i]! += b.buckets.counts[i] ?? 0;
  into.count += b.count;
  into.sum = into.sum !== undefined && b.sum !== undefined ? into.sum + b.sum : undefined;
  into.min = minOf(into.min, b.min);
  into.max = maxOf(into.max, b.max);
}

/** A point made by merging, so later merges may add into it. */
type MergedPoint = { -readonly [K in keyof DataPoint<unknown>]: DataPoint<unknown>[K] };

/**
 * The points grouped by `keyOf`, merged; undefined as soon as `keyOf` cannot key a point. A group's first merge
 * makes a new point, later merges add into that one: input points are never changed.
 */
function mergeGrouped(
  metric: MetricData,
  points: DataPoint<unknown>[],
  keyOf: (attributes: Attributes) => string | undefined,
): { points: DataPoint<unknown>[]; unmergeable: number } | undefined {
  const groupOf = new Map<string, number>();
  const groups: DataPoint<unknown>[] = [];
  /** groups[i] when it is a point made here, not an input point. */
  const made: Array<MergedPoint | undefined> = [];
  let unmergeable = 0;
  for (const point of points) {
    const key = keyOf(point.attributes);
    if (key === undefined) return undefined;
    const index = groupOf.get(key);
    if (index === undefined) {
      groupOf.set(key, groups.length);
      groups.push(point);
      made.push(undefined);
      continue;
    }
    const seen = groups[index]!;
    const startTime = earlier(seen.startTime, point.startTime);
    const endTime = later(seen.endTime, point.endTime);
    const into = made[index];
    switch (metric.dataPointType) {
      case DataPointType.SUM: {
        const value = (seen.value as number) + (point.value as number);
        if (into) {
          into.startTime = startTime;
          into.endTime = endTime;
          into.value = value;
        } else {
          groups[index] = made[index] = { ...seen, startTime, endTime, value };
        }
        break;
      }
      case DataPointType.GAUGE:
        groups[index] = later(seen.endTime, point.endTime) === point.endTime ? point : seen;
        break;
      case DataPointType.HISTOGRAM: {
        const a = seen.value as Histogram;
        const b = point.value as Histogram;
        if (!sameBoundaries(a, b)) {
          unmergeable++;
        } else if (into) {
          addHistogram(a, b);
          into.startTime = startTime;
          into.endTime = endTime;
        } else {
          groups[index] = made[index] = { ...seen, startTime, endTime, value: mergedHistogram(a, b) };
        }
        break;
      }
      default:
        unmergeable++;
    }
  }
  return { points: groups, unmergeable };
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
  return mergeGrouped(metric, points, primitiveKey) ?? mergeGrouped(metric, points, attributesKey)!;
}
