import type { HrTime } from '@opentelemetry/api';

/*
 * Field readers shared by both encodings. A request arrives either as protobufjs messages (64-bit integers as
 * Long, absent fields only on the prototype) or as parsed OTLP/JSON (64-bit integers as numbers or strings,
 * absent fields missing). Reading own properties only, and accepting every integer form, makes both look the
 * same to the converter: absent and default are one case, as in proto3.
 */

export type Fields = Readonly<Record<string, unknown>>;

/**
 * The request does not have the shape of an ExportMetricsServiceRequest. Says where (a path of field names
 * and indexes) and what was expected; never the value found, which may be personal data.
 */
export class ShapeError extends Error {
  readonly #problem: string;
  readonly #segments: string[] = [];

  constructor(problem: string) {
    super(problem);
    this.name = 'ShapeError';
    this.#problem = problem;
  }

  /** Adds the enclosing field, outermost last; returns itself so a catch block can rethrow it. */
  within(segment: string): this {
    this.#segments.unshift(segment);
    this.message = `${this.#segments.join('.').replace(/\.\[/g, '[')}: ${this.#problem}`;
    return this;
  }
}

/** Runs `read`, naming `segment` in the path of any ShapeError it throws. */
export function at<T>(segment: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ShapeError) throw error.within(segment);
    throw error;
  }
}

/**
 * For a catch block around a read: names `segment` in the path of a ShapeError and rethrows it; rethrows
 * anything else unchanged. Does what `at` does without a closure per read, and builds the segment's text only
 * when something was wrong.
 */
export function rethrowWithin(error: unknown, segment: string): never {
  if (error instanceof ShapeError) throw error.within(segment);
  throw error;
}

/** An own property; undefined when absent or only inherited (a protobufjs default). */
export function field(fields: Fields, key: string): unknown {
  const value = fields[key];
  // Most reads are of absent fields: the own-property check is only needed for a value that is there.
  return value !== undefined && Object.hasOwn(fields, key) ? value : undefined;
}

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function asFields(value: unknown): Fields {
  if (isFields(value)) return value;
  throw new ShapeError('expected an object');
}

/** An absent or null repeated field is empty. */
export function list(fields: Fields, key: string): readonly unknown[] {
  const value = field(fields, key);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new ShapeError('expected a list').within(key);
}

/** An optional message field: undefined when absent or null. */
export function message(fields: Fields, key: string): Fields | undefined {
  const value = field(fields, key);
  if (value === undefined || value === null) return undefined;
  return at(key, () => asFields(value));
}

export function text(fields: Fields, key: string): string {
  const value = field(fields, key);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new ShapeError('expected a string').within(key);
}

export function flag(fields: Fields, key: string): boolean {
  const value = field(fields, key);
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw new ShapeError('expected true or false').within(key);
}

const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;
const DECIMAL_INTEGER = /^-?\d{1,20}$/;

function isLong(value: unknown): value is { low: number; high: number; unsigned: boolean } {
  // protobufjs' Long; a plain JSON object with the same keys is not an OTLP/JSON integer.
  return (
    isFields(value) &&
    Object.getPrototypeOf(value) !== Object.prototype &&
    typeof value['low'] === 'number' &&
    typeof value['high'] === 'number'
  );
}

/** A 64-bit integer in any of its encodings, exactly; undefined when absent. */
export function bigInteger(value: unknown, options: { unsigned: boolean }): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  let result: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) result = BigInt(value);
  else if (isLong(value)) {
    result = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
    if (!value.unsigned && value.high < 0) result -= 1n << 64n;
  } else throw new ShapeError('expected an integer');
  if (result > UINT64_MAX || result < (options.unsigned ? 0n : INT64_MIN)) {
    throw new ShapeError(options.unsigned ? 'expected an unsigned 64-bit integer' : 'expected a 64-bit integer');
  }
  return result;
}

/**
 * The value of `text` from `from` to `to` when that is 1 to 15 decimal digits, else -1: what `BigInt` gives for
 * such text, read without a regular expression, a BigInt or a float.
 */
function decimalDigits(text: string, from: number, to: number): number {
  if (to - from < 1 || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A signed 64-bit integer as a number (the nearest double beyond 2^53); `value` is present. The same as
 * `Number(bigInteger(value, { unsigned: false }))`, without a BigInt for the forms OTLP senders use.
 */
export function int64Number(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value + 0; // -0 is 0, as through BigInt
  if (typeof value === 'string') {
    const negative = value.charCodeAt(0) === 0x2d;
    const magnitude = decimalDigits(value, negative ? 1 : 0, value.length);
    if (magnitude >= 0) return negative && magnitude !== 0 ? -magnitude : magnitude;
  }
  return Number(bigInteger(value, { unsigned: false }));
}

/**
 * An unsigned 64-bit count (absent is 0), exact as a number; undefined when too large to be one. The same as
 * `safeCount(bigInteger(value, { unsigned: true }) ?? 0n)`, without a BigInt for the forms OTLP senders use.
 */
export function countOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value + 0;
  if (typeof value === 'string') {
    const count = decimalDigits(value, 0, value.length);
    if (count >= 0) return count;
  }
  return safeCount(bigInteger(value, { unsigned: true }) ?? 0n);
}

/** A timestamp text `hrTimeOf` read, and what it read. */
interface ReadTime {
  /** Undefined until a text was read: no text matches it. */
  text: string | undefined;
  seconds: number;
  nanos: number;
}

let lastTimes: ReadTime = { text: undefined, seconds: 0, nanos: 0 };
let otherTimes: ReadTime = { text: undefined, seconds: 0, nanos: 0 };

/**
 * Unsigned 64-bit nanoseconds since the epoch (absent is 0) as HrTime. The same as
 * `hrTimeFromNanos(bigInteger(value, { unsigned: true }) ?? 0n)`; decimal text of up to 19 digits (what
 * senders write until the year 2286) is split as text, without a BigInt or a float.
 */
export function hrTimeOf(value: unknown): HrTime {
  if (typeof value === 'string' && value.length <= 19) {
    // Points of one request nearly all carry the same two timestamps: the last two texts read are kept.
    if (value === lastTimes.text) return [lastTimes.seconds, lastTimes.nanos];
    if (value === otherTimes.text) return [otherTimes.seconds, otherTimes.nanos];
    const split = Math.max(0, value.length - 9);
    const seconds = split === 0 ? 0 : decimalDigits(value, 0, split);
    const nanos = decimalDigits(value, split, value.length);
    if (seconds >= 0 && nanos >= 0) {
      const evicted = otherTimes;
      otherTimes = lastTimes;
      lastTimes = evicted;
      lastTimes.text = value;
      lastTimes.seconds = seconds;
      lastTimes.nanos = nanos;
      return [seconds, nanos];
    }
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    const whole = value + 0; // -0 is 0, as through BigInt
    const nanos = whole % 1e9;
    return [(whole - nanos) / 1e9, nanos];
  }
  return hrTimeFromNanos(bigInteger(value, { unsigned: true }) ?? 0n);
}

/** An unsigned 64-bit field; absent is 0. */
export function unsigned(fields: Fields, key: string): bigint {
  return at(key, () => bigInteger(field(fields, key), { unsigned: true })) ?? 0n;
}

/** A count, exact as a number; undefined when it is too large to be one. */
export function safeCount(value: bigint): number | undefined {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** A 32-bit integer field (scale, offset, flags, enums as numbers); absent is 0. */
export function int32(fields: Fields, key: string): number {
  const value = field(fields, key);
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 32) return value;
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= 2 ** 32) {
    return Number(value);
  }
  throw new ShapeError('expected a 32-bit integer').within(key);
}

const SPECIAL_DOUBLES: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

/** A double in proto3 JSON form (a number, a numeric string, or NaN/Infinity as strings); undefined when absent. */
export function double(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = SPECIAL_DOUBLES.get(value);
    if (special !== undefined) return special;
    const parsed = Number(value);
    if (value.trim() === value && value !== '' && !Number.isNaN(parsed)) return parsed;
  }
  throw new ShapeError('expected a number');
}

export function optionalDouble(fields: Fields, key: string): number | undefined {
  return at(key, () => double(field(fields, key)));
}

const NANOS_PER_SECOND = 1_000_000_000n;

/** Nanoseconds since the epoch as the SDK's [seconds, nanoseconds], without going through a float. */
export function hrTimeFromNanos(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}
