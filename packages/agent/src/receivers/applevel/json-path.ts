/** One step into a JSON document: an object key or an array index. */
export type JsonPathSegment = string | number;

export type JsonPathResult = { ok: true; segments: JsonPathSegment[] } | { ok: false; message: string };

const KEY = /^[A-Za-z0-9_$-]+/;
const INDEX = /^\[(\d{1,9})\]/;

/**
 * Parses the small path language of `json_path`: keys joined by dots, array indexes in brackets
 * (`data.levels[0].value`). Deliberately not JSONPath: no wildcards or filters, so a path names one value.
 * The empty path is the whole body.
 */
export function parseJsonPath(text: string): JsonPathResult {
  const segments: JsonPathSegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    const index = INDEX.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    if (segments.length > 0) {
      if (!rest.startsWith('.')) return { ok: false, message: 'expected "." or "[" after a key or index' };
      rest = rest.slice(1);
      if (rest.length === 0) return { ok: false, message: 'ends with "."' };
    }
    const key = KEY.exec(rest);
    if (!key) return { ok: false, message: 'expected a key (letters, digits, _, $ or -) or an [index]' };
    segments.push(key[0]);
    rest = rest.slice(key[0].length);
  }
  return { ok: true, segments };
}

/** The value at `segments`, or undefined when any step is missing. Own properties only. */
export function valueAtJsonPath(document: unknown, segments: readonly JsonPathSegment[]): unknown {
  let current: unknown = document;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return undefined;
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
