import { z } from 'zod';
import { parseDuration, parseSize, type UnitResult } from './units.js';

/*
 * Duration and size settings (`10s`, `1GiB`), parsed once at the edge into milliseconds and bytes. This file
 * imports nothing from schema.ts, so the per-component schema files that schema.ts imports can use it too.
 */

/** The smallest value a setting accepts, and how to write it in a message. */
export interface Minimum {
  value: number;
  text: string;
}

const ONE_MILLISECOND: Minimum = { value: 1, text: '1ms' };
const ONE_BYTE: Minimum = { value: 1, text: '1B' };

function parsed(parse: (input: unknown) => UnitResult, minimum: Minimum) {
  return (input: unknown, ctx: z.RefinementCtx): number => {
    const result = parse(input);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.message, params: { hint: result.hint } });
      return z.NEVER;
    }
    if (result.value < minimum.value) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${minimum.text}` });
      return z.NEVER;
    }
    return result.value;
  };
}

/** A duration with a default (`defaultText` goes through the same parser); milliseconds. */
export function durationSetting(defaultText: string, minimum: Minimum = ONE_MILLISECOND) {
  return z.unknown().transform(parsed(parseDuration, minimum)).prefault(defaultText);
}

/**
 * A duration that may be left out or empty: undefined then, so a default that depends on other keys (or on a
 * built-in rule) is applied afterwards; milliseconds.
 */
export function optionalDuration(minimum: Minimum = ONE_MILLISECOND) {
  const parse = parsed(parseDuration, minimum);
  return z
    .unknown()
    .optional()
    .transform((input, ctx) => (input === undefined || input === null ? undefined : parse(input, ctx)));
}

/** A size with a default; bytes. */
export function sizeSetting(defaultText: string, minimum: Minimum = ONE_BYTE) {
  return z.unknown().transform(parsed(parseSize, minimum)).prefault(defaultText);
}
