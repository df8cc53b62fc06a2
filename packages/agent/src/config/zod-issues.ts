import { z } from 'zod';
import { isPlainObject, valueAtPath, type ConfigPath, type PathIssue } from './config-path.js';
import { didYouMean } from './did-you-mean.js';

/**
 * Turns zod's issues into ours: our wording, a did-you-mean for unknown keys and enum values, and never the
 * value the user wrote unless it is short and enum-like (it may be a secret, e.g. a header value).
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  context: {
    schema: z.ZodType;
    input: unknown;
    prefix: ConfigPath;
    /** False for values that came from the environment: those are never echoed, enum-like or not. */
    mayEcho?: (path: ConfigPath) => boolean;
  },
): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) {
    const relative = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const path = [...context.prefix, ...relative];
    const received = valueAtPath(context.input, relative);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(context.schema, relative) ?? [];
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          out.push({
            path: [...path, key],
            at: 'key',
            message: suggestion === undefined ? 'unknown key' : `unknown key; did you mean "${suggestion}"?`,
            ...(suggestion === undefined && known.length > 0 ? { hint: `known keys here: ${known.join(', ')}` } : {}),
          });
        }
        break;
      }
      case 'invalid_type':
        out.push({ path, at: 'value', ...describeInvalidType(issue.expected, received) });
        break;
      case 'invalid_value': {
        const options = issue.values.map(String);
        const echo = context.mayEcho?.(path) === false ? undefined : enumLike(received);
        const suggestion = typeof received === 'string' ? didYouMean(received, options) : undefined;
        out.push({
          path,
          at: 'value',
          message:
            echo === undefined
              ? `must be one of ${options.join(', ')}`
              : `"${echo}" is not one of ${options.join(', ')}`,
          ...(suggestion === undefined ? {} : { hint: `did you mean "${suggestion}"?` }),
        });
        break;
      }
      case 'custom': {
        const params = (issue.params ?? {}) as { hint?: string; at?: 'key' | 'value' };
        out.push({
          path,
          at: params.at ?? 'value',
          message: issue.message,
          ...(params.hint === undefined ? {} : { hint: params.hint }),
        });
        break;
      }
      default:
        // The remaining codes (too_small, invalid_format, …) are not produced by our schemas today; zod's own
        // messages for them describe the rule, not the input.
        out.push({ path, at: 'value', message: issue.message });
    }
  }
  return out;
}

function describeInvalidType(expected: string, received: unknown): { message: string; hint?: string } {
  if (received === undefined) return { message: 'is required' };
  const want = EXPECTED_NAMES[expected] ?? expected;
  const got = kindOf(received);
  if (expected === 'boolean' && typeof received === 'string') {
    return {
      message: `expected ${want}, got a string`,
      hint: 'write true or false without quotes (yes/no/on/off are strings)',
    };
  }
  if (expected === 'object' && received === null) {
    return { message: `expected ${want}, got an empty value`, hint: 'write {} for an empty mapping' };
  }
  return { message: `expected ${want}, got ${got}` };
}

const EXPECTED_NAMES: Record<string, string> = {
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

function kindOf(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** The value itself when it is short and looks like an enum value, so it is safe and useful to echo. */
export function enumLike(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,19}$/.test(value) ? value : undefined;
}

/** The keys the schema allows at `path`, for did-you-mean; undefined when the schema there is not an object. */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
    if (current === undefined) return undefined;
    current = unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else return current;
  }
}
