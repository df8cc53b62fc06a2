/** Privacy levels, narrowest first. Each level includes everything the levels before it include. */
export const PRIVACY_LEVELS = ['minimal', 'standard', 'detailed'] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** Storage categories; each has its own retention. */
export const CATEGORIES = ['health', 'level', 'errors'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * What happens to an attribute at a level:
 * - keep: the value passes unchanged, after the personal-data check (and the `values` allow-list when given);
 * - hash: the value is replaced by a keyed HMAC pseudonym, stable within one install;
 * - bucket: a number is replaced by the label of the range it falls in (`buckets`);
 * - drop: the attribute is removed before aggregation.
 */
export type Treatment = 'keep' | 'hash' | 'bucket' | 'drop';

export type InstrumentKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

export interface AttributeRule {
  readonly key: string;
  readonly description: string;
  readonly treatment: Readonly<Record<PrivacyLevel, Treatment>>;
  /** For `keep`: the only values allowed; anything else is dropped. Omit for free-form values. */
  readonly values?: readonly string[];
  /** For `bucket`: ascending boundaries; a value v gets the label of the range it falls in. */
  readonly buckets?: readonly number[];
}

export interface MetricRule {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly category: Category;
  readonly instrument: InstrumentKind;
  /** The narrowest level at which the metric is collected. */
  readonly minLevel: PrivacyLevel;
  readonly attributes: readonly AttributeRule[];
}

export interface Policy {
  /** Bumped whenever the policy widens; consent (later) refers to it. */
  readonly version: string;
  readonly metrics: readonly MetricRule[];
  /** Resource attributes allowed through; all others are dropped. */
  readonly resource: readonly AttributeRule[];
  /** Things this agent never collects, shown to the user verbatim. */
  readonly neverCollected: readonly string[];
}
