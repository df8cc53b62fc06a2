import { detectPersonalData, type PersonalDataKind } from '@prism-telemetry/privacy';

/** OTLP/JSON encodes 64-bit integers (timestamps, counts) as decimal strings; they are measurements, not text. */
const INT64_FIELDS = new Set([
  'timeUnixNano',
  'startTimeUnixNano',
  'observedTimeUnixNano',
  'asInt',
  'count',
  'zeroCount',
  'bucketCounts',
]);
/** Attribute values that are numbers are checked as numbers, exactly as the privacy filter checks them. */
const NUMERIC_ATTRIBUTE_FIELDS = new Set(['intValue', 'doubleValue']);
const DIGITS = /^-?\d+$/;

/** Keys printed in a finding's location; any other key shows as `*`, since a key can itself be personal data. */
const STRUCTURAL_KEYS = new Set([
  ...'resourceMetrics resource attributes droppedAttributesCount scopeMetrics scope name version metrics'.split(' '),
  ...'description unit metadata gauge sum histogram exponentialHistogram summary dataPoints key value'.split(' '),
  ...'stringValue intValue doubleValue boolValue bytesValue arrayValue kvlistValue values schemaUrl'.split(' '),
  ...'startTimeUnixNano timeUnixNano asDouble asInt exemplars flags count bucketCounts explicitBounds'.split(' '),
  ...'min max aggregationTemporality isMonotonic quantileValues quantile positive negative offset'.split(' '),
  ...'scale zeroCount zeroThreshold filteredAttributes spanId traceId'.split(' '),
]);

const MAX_CACHED = 50_000;

/**
 * Runs every string of a parsed JSON line (object keys included) through detectPersonalData. Stored lines
 * repeat the same names and keys thousands of times, so verdicts are cached (bounded).
 */
export class PersonalDataScanner {
  readonly #cache = new Map<string, PersonalDataKind | null>();

  /** Calls `report` with the kind and a location such as `resourceMetrics[0].scopeMetrics[0].metrics[3].name`. */
  scan(value: unknown, report: (kind: PersonalDataKind, where: string) => void): void {
    this.#walk(value, [], undefined, report);
  }

  #detect(text: string): PersonalDataKind | undefined {
    let verdict = this.#cache.get(text);
    if (verdict === undefined) {
      verdict = detectPersonalData(text) ?? null;
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(text, verdict);
    }
    return verdict ?? undefined;
  }

  #walk(value: unknown, path: string[], field: string | undefined, report: (k: PersonalDataKind, w: string) => void) {
    if (typeof value === 'string') {
      if (field !== undefined && INT64_FIELDS.has(field) && DIGITS.test(value)) return;
      const kind =
        field !== undefined && NUMERIC_ATTRIBUTE_FIELDS.has(field) && DIGITS.test(value)
          ? detectPersonalData(Number(value))
          : this.#detect(value);
      if (kind) report(kind, formatPath(path));
      return;
    }
    if (typeof value === 'number') {
      if (field !== undefined && NUMERIC_ATTRIBUTE_FIELDS.has(field)) {
        const kind = detectPersonalData(value);
        if (kind) report(kind, formatPath(path));
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        path.push(`[${i}]`);
        this.#walk(item, path, field, report);
        path.pop();
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      path.push(STRUCTURAL_KEYS.has(key) ? `.${key}` : '.*');
      const keyKind = this.#detect(key);
      if (keyKind) report(keyKind, `${formatPath(path)} (a key)`);
      this.#walk(child, path, key, report);
      path.pop();
    }
  }
}

function formatPath(path: readonly string[]): string {
  const joined = path.join('');
  return joined.startsWith('.') ? joined.slice(1) : joined === '' ? '(the line)' : joined;
}
