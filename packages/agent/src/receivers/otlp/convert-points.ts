import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, ExponentialHistogram, Histogram } from '@opentelemetry/sdk-metrics';
import { toAttributes, type AttributeDrops } from './convert-attributes.js';
import {
  at,
  bigInteger,
  double,
  field,
  hrTimeFromNanos,
  int32,
  list,
  message,
  optionalDouble,
  safeCount,
  unsigned,
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

export type PointResult<T> = { ok: true; point: DataPoint<T> } | { ok: false; reason: RejectReason };

const NO_RECORDED_VALUE = 1;
/** The scale range OTLP defines for exponential histograms. */
const MIN_SCALE = -10;
const MAX_SCALE = 20;

const reject = (reason: RejectReason): { ok: false; reason: RejectReason } => ({ ok: false, reason });

interface Common {
  attributes: Attributes;
  startTime: HrTime;
  endTime: HrTime;
}

/** What every kind of point has: attributes, flags and the two timestamps. */
function common(point: Fields, drops: AttributeDrops): Common | RejectReason {
  const attributes = toAttributes(list(point, 'attributes'), drops);
  if (!attributes) return 'attributes_over_limit';
  if ((int32(point, 'flags') & NO_RECORDED_VALUE) !== 0) return 'no_recorded_value';
  const end = unsigned(point, 'timeUnixNano');
  if (end === 0n) return 'timestamp_missing';
  return {
    attributes,
    startTime: hrTimeFromNanos(unsigned(point, 'startTimeUnixNano')),
    endTime: hrTimeFromNanos(end),
  };
}

const finiteOrAbsent = (...values: Array<number | undefined>): boolean =>
  values.every((v) => v === undefined || Number.isFinite(v));

/** sum, min and max only where the sender set them, so an absent one stays absent. */
function optionalStats(point: Fields): { sum?: number; min?: number; max?: number } | undefined {
  const sum = optionalDouble(point, 'sum');
  const min = optionalDouble(point, 'min');
  const max = optionalDouble(point, 'max');
  if (!finiteOrAbsent(sum, min, max)) return undefined;
  return {
    ...(sum === undefined ? {} : { sum }),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
  };
}

/** A gauge or sum point; `isInt` says which member of the value oneof carried it. */
export function numberPoint(point: Fields, drops: AttributeDrops): PointResult<number> & { isInt?: boolean } {
  const base = common(point, drops);
  if (typeof base === 'string') return reject(base);
  const asInt = field(point, 'asInt');
  const asDouble = field(point, 'asDouble');
  const hasInt = asInt !== undefined && asInt !== null;
  const hasDouble = asDouble !== undefined && asDouble !== null;
  if (hasInt === hasDouble) return reject('value_missing');
  // An int64 beyond 2^53 becomes the nearest double: the SDK's points hold numbers.
  const value = hasInt
    ? Number(at('asInt', () => bigInteger(asInt, { unsigned: false })))
    : optionalDouble(point, 'asDouble')!;
  if (!Number.isFinite(value)) return reject('value_not_finite');
  return { ok: true, point: { ...base, value }, isInt: hasInt };
}

function counts(fields: Fields, key: string): number[] | undefined {
  const result: number[] = [];
  for (const [index, item] of list(fields, key).entries()) {
    const count = safeCount(at(`${key}[${index}]`, () => bigInteger(item, { unsigned: true })) ?? 0n);
    if (count === undefined) return undefined;
    result.push(count);
  }
  return result;
}

const total = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export function histogramPoint(point: Fields, drops: AttributeDrops): PointResult<Histogram> {
  const base = common(point, drops);
  if (typeof base === 'string') return reject(base);
  const count = safeCount(unsigned(point, 'count'));
  const bucketCounts = counts(point, 'bucketCounts');
  const bounds = list(point, 'explicitBounds').map((bound, index) =>
    at(`explicitBounds[${index}]`, () => double(bound) ?? Number.NaN),
  );
  const stats = optionalStats(point);
  if (count === undefined || bucketCounts === undefined || stats === undefined) return reject('histogram_invalid');
  const increasing = bounds.every((b, i) => Number.isFinite(b) && (i === 0 || b > bounds[i - 1]!));
  // No buckets is allowed (only count and sum): that is one bucket holding everything.
  const buckets =
    bucketCounts.length === 0 ? { boundaries: [], counts: [count] } : { boundaries: bounds, counts: bucketCounts };
  if (!increasing || buckets.counts.length !== buckets.boundaries.length + 1 || total(buckets.counts) !== count) {
    return reject('histogram_invalid');
  }
  return { ok: true, point: { ...base, value: { buckets, count, ...stats } } };
}

function expBuckets(point: Fields, key: string): { offset: number; bucketCounts: number[] } | undefined {
  const buckets = message(point, key);
  if (!buckets) return { offset: 0, bucketCounts: [] };
  const bucketCounts = at(key, () => counts(buckets, 'bucketCounts'));
  return bucketCounts && { offset: at(key, () => int32(buckets, 'offset')), bucketCounts };
}

export function exponentialHistogramPoint(point: Fields, drops: AttributeDrops): PointResult<ExponentialHistogram> {
  const base = common(point, drops);
  if (typeof base === 'string') return reject(base);
  // The SDK's type has no zero threshold; dropping one would change what zeroCount means.
  const zeroThreshold = optionalDouble(point, 'zeroThreshold');
  if (zeroThreshold !== undefined && zeroThreshold !== 0) return reject('zero_threshold_unsupported');
  const count = safeCount(unsigned(point, 'count'));
  const zeroCount = safeCount(unsigned(point, 'zeroCount'));
  const scale = int32(point, 'scale');
  const positive = expBuckets(point, 'positive');
  const negative = expBuckets(point, 'negative');
  const stats = optionalStats(point);
  if (
    count === undefined ||
    zeroCount === undefined ||
    !positive ||
    !negative ||
    !stats ||
    scale < MIN_SCALE ||
    scale > MAX_SCALE ||
    zeroCount + total(positive.bucketCounts) + total(negative.bucketCounts) !== count
  ) {
    return reject('exponential_histogram_invalid');
  }
  return { ok: true, point: { ...base, value: { count, scale, zeroCount, positive, negative, ...stats } } };
}
