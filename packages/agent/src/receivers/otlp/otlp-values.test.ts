import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  at,
  bigInteger,
  countOf,
  double,
  hrTimeFromNanos,
  hrTimeOf,
  int32,
  int64Number,
  list,
  safeCount,
} from './otlp-values.js';

const Long = protobuf.util.Long as unknown as {
  fromString(text: string, unsigned: boolean): unknown;
};

describe('64-bit integers from both encodings', () => {
  it('reads numbers, decimal strings and protobufjs Longs exactly', () => {
    const max = '18446744073709551615';
    expect(bigInteger(max, { unsigned: true })).toBe(2n ** 64n - 1n);
    expect(bigInteger(Long.fromString(max, true), { unsigned: true })).toBe(2n ** 64n - 1n);
    expect(bigInteger(Long.fromString('-9223372036854775808', false), { unsigned: false })).toBe(-(2n ** 63n));
    expect(bigInteger(Long.fromString('1700000000123456789', false), { unsigned: false })).toBe(1700000000123456789n);
    expect(bigInteger(42, { unsigned: true })).toBe(42n);
    expect(bigInteger('-7', { unsigned: false })).toBe(-7n);
    expect(bigInteger(undefined, { unsigned: true })).toBeUndefined();
  });

  it('refuses what is not an integer in range, and a plain object posing as a Long', () => {
    for (const value of [
      1.5,
      '1.5',
      '',
      ' 1',
      '0x10',
      true,
      { low: 1, high: 0, unsigned: true },
      '18446744073709551616',
    ]) {
      expect(() => bigInteger(value, { unsigned: true })).toThrow(ShapeError);
    }
    expect(() => bigInteger('-1', { unsigned: true })).toThrow('expected an unsigned 64-bit integer');
    expect(() => bigInteger('-9223372036854775809', { unsigned: false })).toThrow('expected a 64-bit integer');
  });

  it('keeps counts exact or says they cannot be', () => {
    expect(safeCount(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(safeCount(2n ** 53n)).toBeUndefined();
  });
});

describe('the readers that skip BigInt for common forms', () => {
  const outcome = (read: () => unknown): unknown => {
    try {
      return read();
    } catch (error) {
      return (error as Error).message;
    }
  };
  const values: unknown[] = [
    ...['', '-', '+1', ' 1', '1 ', '-0', '0', '000', '007', '1.5', '1e3', 'x1', '1x'],
    ...['123456789', '1234567890', '999999999999999', '9999999999999999', '-999999999999999', '-9999999999999999'],
    ...['1700000010987654321', '9999999999999999999', '18446744073709551615', '18446744073709551616'],
    ...[0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53) + 1, 2 ** 64, Number.NaN, Number.POSITIVE_INFINITY],
    ...[undefined, null, true, {}, []],
  ];

  it.each(values.map((value) => [String(value), value]))('read %s exactly as through BigInt', (_name, value) => {
    expect(outcome(() => countOf(value))).toEqual(
      outcome(() => safeCount(bigInteger(value, { unsigned: true }) ?? 0n)),
    );
    expect(outcome(() => hrTimeOf(value))).toEqual(
      outcome(() => hrTimeFromNanos(bigInteger(value, { unsigned: true }) ?? 0n)),
    );
    if (value !== undefined && value !== null) {
      expect(outcome(() => int64Number(value))).toEqual(outcome(() => Number(bigInteger(value, { unsigned: false }))));
    }
  });
});

describe('timestamps', () => {
  it('reads a repeated timestamp text the same each time, and never hands out a shared array', () => {
    const texts = ['1700000000000000001', '1700000000000000002', '1700000000000000001', '3', '1700000000000000002'];
    const read = texts.map((text) => hrTimeOf(text));
    expect(read).toEqual(texts.map((text) => hrTimeFromNanos(BigInt(text))));
    read[0]![1] = 42;
    expect(hrTimeOf(texts[0])).toEqual([1700000000, 1]);
    // Invalid text is refused however many valid texts were read before it.
    expect(() => hrTimeOf('')).toThrow('expected an integer');
    expect(() => hrTimeOf('1x')).toThrow('expected an integer');
  });

  it('splits nanoseconds into HrTime without a float in between', () => {
    expect(hrTimeFromNanos(1700000000123456789n)).toEqual([1700000000, 123456789]);
    expect(hrTimeFromNanos(2n ** 64n - 1n)).toEqual([18446744073, 709551615]);
    expect(hrTimeFromNanos(0n)).toEqual([0, 0]);
  });
});

describe('other scalars', () => {
  it('reads proto3 JSON doubles', () => {
    expect(double(1.25)).toBe(1.25);
    expect(double('1.25')).toBe(1.25);
    expect(double('NaN')).toBeNaN();
    expect(double('-Infinity')).toBe(-Infinity);
    expect(double(undefined)).toBeUndefined();
    for (const bad of ['', 'abc', ' 1', true, {}]) expect(() => double(bad)).toThrow('expected a number');
  });

  it('reads 32-bit integers as numbers or strings', () => {
    expect(int32({ scale: -3 }, 'scale')).toBe(-3);
    expect(int32({ scale: '20' }, 'scale')).toBe(20);
    expect(int32({}, 'scale')).toBe(0);
    expect(() => int32({ scale: 0.5 }, 'scale')).toThrow('scale: expected a 32-bit integer');
  });

  it('reads own properties only, so prototype defaults count as absent', () => {
    const proto = { dataPoints: ['inherited'] };
    expect(list(Object.create(proto) as Record<string, unknown>, 'dataPoints')).toEqual([]);
  });
});

describe('ShapeError', () => {
  it('builds its path from the outside in', () => {
    const error = (() => {
      try {
        at('resourceMetrics[0]', () => at('scopeMetrics[2]', () => list({ metrics: 'x' }, 'metrics')));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('resourceMetrics[0].scopeMetrics[2].metrics: expected a list');
  });
});
