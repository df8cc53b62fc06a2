/**
 * The duration and size formats of the config file (`10s`, `1h30m`, `1GiB`). They are ours, so they get a small
 * parser whose errors say exactly what is wrong, instead of a regular expression that only says "invalid".
 * Arithmetic is done in BigInt so `1.1KB` is exactly 1100 bytes.
 */

export type UnitResult = { ok: true; value: number } | { ok: false; message: string; hint?: string };

const DURATION_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ms', 1n],
  ['s', 1_000n],
  ['m', 60_000n],
  ['h', 3_600_000n],
  ['d', 86_400_000n],
]);

/** Spellings people write that we do not accept, with the one to write instead. */
const DURATION_ALIASES: ReadonlyMap<string, string> = new Map([
  ['sec', 's'],
  ['secs', 's'],
  ['second', 's'],
  ['seconds', 's'],
  ['min', 'm'],
  ['mins', 'm'],
  ['minute', 'm'],
  ['minutes', 'm'],
  ['hr', 'h'],
  ['hrs', 'h'],
  ['hour', 'h'],
  ['hours', 'h'],
  ['day', 'd'],
  ['days', 'd'],
]);

const SIZE_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['B', 1n],
  ['KB', 1000n],
  ['kB', 1000n],
  ['MB', 1000n ** 2n],
  ['GB', 1000n ** 3n],
  ['TB', 1000n ** 4n],
  ['KiB', 1024n],
  ['MiB', 1024n ** 2n],
  ['GiB', 1024n ** 3n],
  ['TiB', 1024n ** 4n],
]);

const DURATION_UNIT_LIST = 'ms, s, m, h or d';
const SIZE_UNIT_LIST = 'B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)';
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

interface Group {
  /** Digits with the decimal point removed, and how many of them were after the point. */
  digits: string;
  fractionDigits: number;
  unit: string;
}

type Scan = { ok: true; groups: Group[] } | { ok: false; message: string; hint?: string };

/** Splits `1h30m` into number+unit groups. */
function scan(text: string, example: string): Scan {
  const groups: Group[] = [];
  let i = 0;
  while (i < text.length) {
    const numberMatch = /^(\d+)(?:\.(\d+))?/.exec(text.slice(i));
    if (!numberMatch) {
      const ch = text[i];
      if (ch === '-') return { ok: false, message: 'must not be negative' };
      if (ch === ' ' || ch === '\t')
        return { ok: false, message: 'contains a space', hint: `write it without spaces, e.g. ${example}` };
      return { ok: false, message: 'expected a number', hint: `write a number and a unit, e.g. ${example}` };
    }
    i += numberMatch[0].length;
    const unitMatch = /^[A-Za-z]*/.exec(text.slice(i));
    const unit = unitMatch?.[0] ?? '';
    i += unit.length;
    if (unit === '' && text[i] === ' ') {
      return { ok: false, message: 'contains a space', hint: `write it without spaces, e.g. ${example}` };
    }
    groups.push({
      digits: (numberMatch[1] ?? '') + (numberMatch[2] ?? ''),
      fractionDigits: numberMatch[2]?.length ?? 0,
      unit,
    });
  }
  return { ok: true, groups };
}

/** `digits / 10^fractionDigits * multiplier`, or undefined when that is not a whole number. */
function wholeValue(group: Group, multiplier: bigint): bigint | undefined {
  const numerator = BigInt(group.digits) * multiplier;
  const denominator = 10n ** BigInt(group.fractionDigits);
  return numerator % denominator === 0n ? numerator / denominator : undefined;
}

function describeUnit(unit: string): string {
  return /^[A-Za-z]{1,12}$/.test(unit) ? `unknown unit "${unit}"` : 'unknown unit';
}

/** Parses `500ms`, `10s`, `5m`, `1h`, `30d`, `1.5h` or a combination in descending order such as `1h30m`. */
export function parseDuration(input: unknown): UnitResult {
  if (typeof input === 'number') {
    return { ok: false, message: 'a duration needs a unit', hint: 'write a unit, e.g. 10s' };
  }
  if (typeof input !== 'string') {
    return { ok: false, message: 'expected a duration', hint: 'write a number and a unit, e.g. 10s' };
  }
  const text = input.trim();
  if (text === '') return { ok: false, message: 'expected a duration, got an empty string', hint: 'write e.g. 10s' };
  if (/^\d+(\.\d+)?$/.test(text)) {
    return { ok: false, message: 'a duration needs a unit', hint: 'write a unit, e.g. 10s' };
  }
  const scanned = scan(text, '10s');
  if (!scanned.ok) return scanned;

  let total = 0n;
  let previousMultiplier: bigint | undefined;
  for (const group of scanned.groups) {
    if (group.unit === '') {
      return {
        ok: false,
        message: 'a number in a duration needs a unit',
        hint: 'write a unit after every number, e.g. 1h30m',
      };
    }
    const multiplier = DURATION_UNITS.get(group.unit);
    if (multiplier === undefined) {
      const alias = DURATION_ALIASES.get(group.unit.toLowerCase());
      const lower = DURATION_UNITS.has(group.unit.toLowerCase()) ? group.unit.toLowerCase() : undefined;
      const instead = alias ?? lower;
      return {
        ok: false,
        message: describeUnit(group.unit),
        hint:
          instead === undefined ? `use ${DURATION_UNIT_LIST}` : `write "${instead}"; units are ${DURATION_UNIT_LIST}`,
      };
    }
    if (previousMultiplier !== undefined && multiplier >= previousMultiplier) {
      return { ok: false, message: 'units must go from largest to smallest, each once', hint: 'write e.g. 1h30m' };
    }
    previousMultiplier = multiplier;
    const value = wholeValue(group, multiplier);
    if (value === undefined) {
      return {
        ok: false,
        message: 'is not a whole number of milliseconds',
        hint: 'durations have millisecond precision',
      };
    }
    total += value;
  }
  if (total > MAX) return { ok: false, message: 'is too large' };
  return { ok: true, value: Number(total) };
}

/** Parses `512B`, `10KiB`, `1.5GiB`, `1GB` (SI) or a plain non-negative integer of bytes. */
export function parseSize(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return { ok: true, value: input };
    return {
      ok: false,
      message: 'a size in bytes must be a non-negative whole number',
      hint: 'write e.g. 1GiB or 500MiB',
    };
  }
  if (typeof input !== 'string') {
    return { ok: false, message: 'expected a size', hint: 'write a number and a unit, e.g. 1GiB' };
  }
  const text = input.trim();
  if (text === '') return { ok: false, message: 'expected a size, got an empty string', hint: 'write e.g. 1GiB' };
  const scanned = scan(text, '1GiB');
  if (!scanned.ok) return scanned;
  const [group, ...rest] = scanned.groups;
  if (group === undefined) return { ok: false, message: 'expected a size', hint: 'write e.g. 1GiB' };
  if (rest.length > 0) {
    return {
      ok: false,
      message: 'a size has one number and one unit',
      hint: 'write e.g. 1536MiB instead of 1GiB512MiB',
    };
  }
  if (group.unit === '' && group.fractionDigits > 0) {
    return { ok: false, message: 'a size in bytes must be a whole number', hint: 'write e.g. 1.5GiB with a unit' };
  }
  const multiplier = group.unit === '' ? 1n : SIZE_UNITS.get(group.unit);
  if (multiplier === undefined) return { ok: false, message: describeUnit(group.unit), hint: sizeUnitHint(group.unit) };
  const value = wholeValue(group, multiplier);
  if (value === undefined) return { ok: false, message: 'is not a whole number of bytes' };
  if (value > MAX) return { ok: false, message: 'is too large' };
  return { ok: true, value: Number(value) };
}

function sizeUnitHint(unit: string): string {
  const prefix = unit.charAt(0).toUpperCase();
  if (unit.length <= 2 && ['K', 'M', 'G', 'T'].includes(prefix) && unit !== `${prefix}B`) {
    return `write ${prefix}iB (powers of 1024) or ${prefix}B (powers of 1000)`;
  }
  for (const known of SIZE_UNITS.keys()) {
    if (known.toLowerCase() === unit.toLowerCase()) return `units are case-sensitive: write "${known}"`;
  }
  return `use ${SIZE_UNIT_LIST}`;
}
