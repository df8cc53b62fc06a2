import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, ExponentialHistogram, Histogram } from '@opentelemetry/sdk-metrics';
import { toAttributes, type AttributeDrops } from './convert-attributes.js';
import {
  countOf,
  double,
  field,
  hrTimeOf,
  int32,
  int64Number,
  list,
  message,
  optionalDouble,
  rethrowWithin,
  type Fields,
} from './otlp-values.js';

/** Why a data point was not converted. Counted per reason and reported in `partialSuccess`. */
export type RejectReason =
  | 'name_missing'
  | 'summary_unsupported'
  | 'temporality_unspecified'
  | 'attributes_over_limit'
  | 'no_recorded_value'
  | 'timestamp_missing'
  | 'value_missing'
  | 'value_not_finite'
  | 'histogram_invalid'
  | 'exponential_histogram_invalid'
  | 'zero_threshold_unsupported';

/** A converted point, or why it was rejected. */
export type PointResult<T> = DataPoint<T> | RejectReason;

const NO_RECORDED_VALUE = 1;
/** The scale range OTLP defines for exponential histograms. */
const MIN_SCALE = -10;
const MAX_SCALE = 20;

interface Common {
  attributes: Attributes;
  startTime: HrTime;
  endTime: HrTime;
}

function hrTimeField(fields: Fields, key: string): HrTime {
  try {
    return hrTimeOf(field(fields, key));
  } catch (error) {
    return rethrowWithin(error, key);
  }
}

function countField(fields: Fields, key: string): number | undefined {
  try {
    return countOf(field(fields, key));
  } catch (error) {
    return rethrowWithin(error, key);
  }
}

/** What every kind of point has: attributes, flags and the two timestamps. */
function common(point: Fields, drops: AttributeDrops): Common | RejectReason {
  const attributes = toAttributes(list(point, 'attributes'), drops);
  if (!attributes) return 'attributes_over_limit';
  if ((int32(point, 'flags') & NO_RECORDED_VALUE) !== 0) return 'no_recorded_value';
  const endTime = hrTimeField(point, 'timeUnixNano');
  if (endTime[0] === 0 && endTime[1] === 0) return 'timestamp_missing';
  return { attributes, startTime: hrTimeField(point, 'startTimeUnixNano'), endTime };
}

const finiteOrAbsent = (value: number | undefined): boolean => value === undefined || Number.isFinite(value);

/** Sets sum, min and max where the sender set them, so an absent one stays absent. */
function withStats<T extends { sum?: number; min?: number; max?: number }>(
  value: T,
  sum: number | undefined,
  min: number | undefined,
  max: number | undefined,
): T {
  if (sum !== undefined) value.sum = sum;
  if (min !== undefined) value.min = min;
  if (max !== undefined) value.max = max;
  return value;
}

/**
 * A gauge or sum point. `valueKinds.anyDouble` is set when the value came in `asDouble` (the metric's value
 * type is then DOUBLE).
 */
export function numberPoint(
  point: Fields,
  drops: AttributeDrops,
  valueKinds: { anyDouble: boolean },
): PointResult<number> {
  const base = common(point, drops);
  if (typeof base === 'string') return base;
  const asInt = field(point, 'asInt');
  const asDouble = field(point, 'asDouble');
  const hasInt = asInt !== undefined && asInt !== null;
  const hasDouble = asDouble !== undefined && asDouble !== null;
  if (hasInt === hasDouble) return 'value_missing';
  let value: number;
  if (hasInt) {
    // An int64 beyond 2^53 becomes the nearest double: the SDK's points hold numbers.
    try {
      value = int64Number(asInt);
    } catch (error) {
      rethrowWithin(error, 'asInt');
    }
  } else {
    value = optionalDouble(point, 'asDouble')!;
  }
  if (!Number.isFinite(value)) return 'value_not_finite';
  if (!hasInt) valueKinds.anyDouble = true;
  return { attributes: base.attributes, startTime: base.startTime, endTime: base.endTime, value };
}

function counts(fields: Fields, key: string): number[] | undefined {
  const items = list(fields, key);
  const result: number[] = [];
  for (let index = 0; index < items.length; index++) {
    let count: number | undefined;
    try {
      count = countOf(items[index]);
    } catch (error) {
      rethrowWithin(error, `${key}[${index}]`);
    }
    if (count === undefined) return undefined;
    result.push(count);
  }
  return result;
}

/**
 * The explicit bounds of one histogram's points. They are nearly always the same list for every point, so the
 * numbers read for one point are kept and shared with the next point whose list holds the same values (as the
 * SDK's own histogram points share their boundaries).
 */
export class BoundsReader {
  #items: readonly unknown[] = [];
  #values: number[] = [];

  /** The bounds as numbers; an absent (null) one is NaN, which fails the increasing check. */
  read(point: Fields): number[] {
    const items = list(point, 'explicitBounds');
    if (this.#sameAsLast(items)) return this.#values;
    const values: number[] = [];
    for (let index = 0; index < items.length; index++) {
      try {
        values.push(double(items[index]) ?? Number.NaN);
      } catch (error) {
        rethrowWithin(error, `explicitBounds[${index}]`);
      }
    }
    this.#items = items;
    this.#values = values;
    return values;
  }

  /** Same primitive values as the last list read (which read without error): they read the same. */
  #sameAsLast(items: readonly unknown[]): boolean {
    const last = this.#items;
    if (items.length !== last.length || items.length === 0) return false;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== last[i] || (typeof item !== 'number' && typeof item !== 'string')) return false;
    }
    return true;
  }
}

function total(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}

function increasing(values: readonly number[]): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]) || (i > 0 && !(values[i]! > values[i - 1]!))) return false;
  }
  return true;
}

export function histogramPoint(
  point: Fields,
  drops: AttributeDrops,
  boundsReader: BoundsReader = new BoundsReader(),
): PointResult<Histogram> {
  const base = common(point, drops);
  if (typeof base === 'string') return base;
  const count = countField(point, 'count');
  const bucketCounts = counts(point, 'bucketCounts');
  const boundaries = boundsReader.read(point);
  const sum = optionalDouble(point, 'sum');
  const min = optionalDouble(point, 'min');
  const max = optionalDouble(point, 'max');
  if (
    count === undefined ||
    bucketCounts === undefined ||
    !finiteOrAbsent(sum) ||
    !finiteOrAbsent(min) ||
    !finiteOrAbsent(max) ||
    !increasing(boundaries)
  ) {
    return 'histogram_invalid';
  }
  // No buckets is allowed (only count and sum): that is one bucket holding everything.
  const buckets =
    bucketCounts.length === 0 ? { boundaries: [], counts: [count] } : { boundaries, counts: bucketCounts };
  if (buckets.counts.length !== buckets.boundaries.length + 1 || total(buckets.counts) !== count) {
    return 'histogram_invalid';
  }
  const value = withStats<Histogram>({ buckets, count }, sum, min, max);
  return { attributes: base.attributes, startTime: base.startTime, endTime: base.endTime, value };
}

function expBuckets(point: Fields, key: string): { offset: number; bucketCounts: number[] } | undefined {
  const buckets = message(point, key);
  if (!buckets) return { offset: 0, bucketCounts: [] };
  try {
    const bucketCounts = counts(buckets, 'bucketCounts');
    return bucketCounts && { offset: int32(buckets, 'offset'), bucketCounts };
  } catch (error) {
    return rethrowWithin(error, key);
  }
}

export function exponentialHistogramPoint(point: Fields, drops: AttributeDrops): PointResult<ExponentialHistogram> {
  const base = common(point, drops);
  if (typeof base === 'string') return base;
  // The SDK's type has no zero threshold; dropping one would change what zeroCount means.
  const zeroThreshold = optionalDouble(point, 'zeroThreshold');
  if (zeroThreshold !== undefined && zeroThreshold !== 0) return 'zero_threshold_unsupported';
  const count = countField(point, 'count');
  const zeroCount = countField(point, 'zeroCount');
  const scale = int32(point, 'scale');
  const positive = expBuckets(point, 'positive');
  const negative = expBuckets(point, 'negative');
  const sum = optionalDouble(point, 'sum');
  const min = optionalDouble(point, 'min');
  const max = optionalDouble(point, 'max');
  if (
    count === undefined ||
    zeroCount === undefined ||
    !positive ||
    !negative ||
    !finiteOrAbsent(sum) ||
    !finiteOrAbsent(min) ||
    !finiteOrAbsent(max) ||
    scale < MIN_SCALE ||
    scale > MAX_SCALE ||
    zeroCount + total(positive.bucketCounts) + total(negative.bucketCounts) !== count
  ) {
    return 'exponential_histogram_invalid';
  }
  const value = withStats<ExponentialHistogram>({ count, scale, zeroCount, positive, negative }, sum, min, max);
  return { attributes: base.attributes, startTime: base.startTime, endTime: base.endTime, value };
}
