import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from './units.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['30d', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['0s', 0],
  ])('%s is %d ms', (text, millis) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: millis });
  });

  it('rejects plain numbers with a hint to write a unit', () => {
    expect(parseDuration(10)).toEqual({
      ok: false,
      message: 'a duration needs a unit',
      hint: 'write a unit, e.g. 10s',
    });
    expect(parseDuration('10')).toEqual({
      ok: false,
      message: 'a duration needs a unit',
      hint: 'write a unit, e.g. 10s',
    });
  });

  it.each([
    ['10x', 'unknown unit "x"', 'use ms, s, m, h or d'],
    ['10sec', 'unknown unit "sec"', 'write "s"; units are ms, s, m, h or d'],
    ['10S', 'unknown unit "S"', 'write "s"; units are ms, s, m, h or d'],
    ['10 s', 'contains a space', 'write it without spaces, e.g. 10s'],
    ['1h 30m', 'contains a space', 'write it without spaces, e.g. 10s'],
    ['-5s', 'must not be negative', undefined],
    ['1h30', 'a number in a duration needs a unit', 'write a unit after every number, e.g. 1h30m'],
    ['30m1h', 'units must go from largest to smallest, each once', 'write e.g. 1h30m'],
    ['1s1s', 'units must go from largest to smallest, each once', 'write e.g. 1h30m'],
    ['0.5ms', 'is not a whole number of milliseconds', 'durations have millisecond precision'],
    ['s', 'expected a number', 'write a number and a unit, e.g. 10s'],
    ['', 'expected a duration, got an empty string', 'write e.g. 10s'],
  ])('rejects %j: %s', (text, message, hint) => {
    expect(parseDuration(text)).toEqual({ ok: false, message, ...(hint === undefined ? {} : { hint }) });
  });

  it('rejects non-strings and values beyond safe integers', () => {
    expect(parseDuration(true)).toMatchObject({ ok: false, message: 'expected a duration' });
    expect(parseDuration(null)).toMatchObject({ ok: false, message: 'expected a duration' });
    expect(parseDuration('99999999999999999d')).toEqual({ ok: false, message: 'is too large' });
  });
});

describe('parseSize', () => {
  it.each([
    ['512B', 512],
    ['10KiB', 10_240],
    ['500MiB', 524_288_000],
    ['1GiB', 1_073_741_824],
    ['1TiB', 1_099_511_627_776],
    ['1KB', 1_000],
    ['1kB', 1_000],
    ['1MB', 1_000_000],
    ['1GB', 1_000_000_000],
    ['1TB', 1_000_000_000_000],
    ['1.5GiB', 1_610_612_736],
    ['1.1KB', 1_100],
    ['4096', 4_096],
    ['0', 0],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it('takes a plain non-negative integer as bytes', () => {
    expect(parseSize(1024)).toEqual({ ok: true, value: 1024 });
    expect(parseSize(-1)).toMatchObject({ ok: false, message: 'a size in bytes must be a non-negative whole number' });
    expect(parseSize(1.5)).toMatchObject({ ok: false, message: 'a size in bytes must be a non-negative whole number' });
  });

  it.each([
    ['1G', 'unknown unit "G"', 'write GiB (powers of 1024) or GB (powers of 1000)'],
    ['10Mb', 'unknown unit "Mb"', 'write MiB (powers of 1024) or MB (powers of 1000)'],
    ['1gib', 'unknown unit "gib"', 'units are case-sensitive: write "GiB"'],
    ['1XB', 'unknown unit "XB"', 'use B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)'],
    ['1 GiB', 'contains a space', 'write it without spaces, e.g. 1GiB'],
    ['1GiB512MiB', 'a size has one number and one unit', 'write e.g. 1536MiB instead of 1GiB512MiB'],
    ['1.5', 'a size in bytes must be a whole number', 'write e.g. 1.5GiB with a unit'],
    ['-1GiB', 'must not be negative', undefined],
    ['1.3B', 'is not a whole number of bytes', undefined],
    ['GiB', 'expected a number', 'write a number and a unit, e.g. 1GiB'],
  ])('rejects %j: %s', (text, message, hint) => {
    expect(parseSize(text)).toEqual({ ok: false, message, ...(hint === undefined ? {} : { hint }) });
  });

  it('rejects sizes beyond safe integers', () => {
    expect(parseSize('9999999TiB')).toEqual({ ok: false, message: 'is too large' });
  });
});
