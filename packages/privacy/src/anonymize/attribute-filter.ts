import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { AttributeRule, PrivacyLevel, Treatment } from '../policy/types.js';
import type { DropCounter } from '../processor/drop-counter.js';
import type { DropReason } from '../processor/drop-reasons.js';
import { bucketLabels } from './bucket.js';
import type { Pseudonymizer } from './hasher.js';
import { detectPersonalData } from './personal-data.js';

/** Free-form kept values longer than this are not health data; they are dropped. */
export const MAX_KEPT_VALUE_LENGTH = 128;

interface CompiledRule {
  treatment: Treatment;
  values: ReadonlySet<string> | undefined;
  boundaries: readonly number[];
  /** `bucketLabels(boundaries)`, computed once: label i is what `bucketOf` gives for range i. */
  labelList: readonly string[];
  labels: ReadonlySet<string>;
}

export interface AttributeFilterContext {
  pseudonymizer: Pseudonymizer;
  drops: DropCounter;
}

/**
 * Applies one list of attribute rules at one level. Idempotent: filtering already filtered attributes
 * changes nothing, so the same policy can run in a View and again in the exporting processor.
 */
export class AttributeFilter {
  readonly #rules: ReadonlyMap<string, CompiledRule>;
  readonly #context: AttributeFilterContext;
  readonly #unknownReason: DropReason;

  constructor(
    rules: readonly AttributeRule[],
    level: PrivacyLevel,
    context: AttributeFilterContext,
    unknownReason: DropReason = 'attribute_not_in_policy',
  ) {
    this.#rules = new Map(
      rules.map((r) => {
        const labelList = bucketLabels(r.buckets ?? []);
        return [
          r.key,
          {
            treatment: r.treatment[level],
            values: r.values ? new Set(r.values) : undefined,
            boundaries: r.buckets ?? [],
            labelList,
            labels: new Set(labelList),
          },
        ];
      }),
    );
    this.#context = context;
    this.#unknownReason = unknownReason;
  }

  /** True when no attribute can survive: lets callers skip work. */
  get isEmpty(): boolean {
    for (const rule of this.#rules.values()) if (rule.treatment !== 'drop') return false;
    return true;
  }

  filter(incoming: Attributes): Attributes {
    const out: Attributes = {};
    for (const key in incoming) {
      const value = incoming[key];
      if (value === undefined || value === null) continue;
      const rule = this.#rules.get(key);
      if (!rule) {
        this.#context.drops.add(this.#unknownReason);
        continue;
      }
      const result = this.#apply(rule, value);
      if (typeof result === 'string' && result.startsWith('!')) {
        this.#context.drops.add(result.slice(1) as DropReason);
      } else {
        out[key] = result;
      }
    }
    return out;
  }

  /** Returns the new value, or `!<reason>` when the attribute is dropped. */
  #apply(rule: CompiledRule, value: AttributeValue): AttributeValue | `!${DropReason}` {
    switch (rule.treatment) {
      case 'drop':
        return '!attribute_above_level';
      case 'hash': {
        const { pseudonymizer } = this.#context;
        if (pseudonymizer.isPseudonym(value)) return value;
        return pseudonymizer.pseudonym(Array.isArray(value) ? JSON.stringify(value) : (value as string));
      }
      case 'bucket': {
        if (typeof value === 'string' && rule.labels.has(value)) return value;
        const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
        if (!Number.isFinite(n) || typeof value === 'boolean') return '!attribute_value_not_bucketable';
        return labelOf(n, rule);
      }
      case 'keep':
        return keepValue(rule, value);
    }
  }
}

/** What `bucketOf(value, rule.boundaries)` gives, from the labels computed once. */
function labelOf(value: number, rule: CompiledRule): string {
  let index = 0;
  while (index < rule.boundaries.length && value >= rule.boundaries[index]!) index++;
  return rule.labelList[index]!;
}

function keepValue(rule: CompiledRule, value: AttributeValue): AttributeValue | `!${DropReason}` {
  if (rule.values) {
    return typeof value === 'string' && rule.values.has(value) ? value : '!attribute_value_not_allowed';
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (typeof item === 'string' && item.length > MAX_KEPT_VALUE_LENGTH) return '!attribute_value_too_long';
    if (detectPersonalData(item) !== undefined) return '!attribute_value_personal';
  }
  return value;
}
