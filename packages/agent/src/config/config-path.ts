import type { ErrorCode } from '../errors.js';

export type ConfigPath = readonly (string | number)[];

/** An issue before it is placed in the file: `at` says whether it points at the key or at the value. */
export interface PathIssue {
  path: ConfigPath;
  at: 'key' | 'value';
  message: string;
  hint?: string;
  code?: ErrorCode;
}

/**
 * `service.pipelines.metrics/local.exporters[1]`. Keys that would make the path ambiguous (a dot, a bracket, a
 * space, a quote, or nothing) are written `headers["X.Key"]`.
 */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (segment === '' || /[.[\]\s"']/.test(segment)) text += `[${JSON.stringify(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** The value at `path` in plain data, or undefined when any step is missing. */
export function valueAtPath(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.hasOwn(value, segment) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True when `path` is `prefix` or lies under it. */
export function startsWithPath(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}
