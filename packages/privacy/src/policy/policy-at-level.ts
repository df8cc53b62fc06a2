import { AttributeFilter, type AttributeFilterContext } from '../anonymize/attribute-filter.js';
import type { DropReason } from '../processor/drop-reasons.js';
import { levelIncludes } from './levels.js';
import type { Category, MetricRule, Policy, PrivacyLevel } from './types.js';

export interface AllowedMetric {
  readonly rule: MetricRule;
  readonly attributes: AttributeFilter;
}

export type MetricDecision = { allowed: true; metric: AllowedMetric } | { allowed: false; reason: DropReason };

/** The policy compiled for one privacy level: the lookups the Views and the processor need. */
export class PolicyAtLevel {
  readonly policy: Policy;
  readonly level: PrivacyLevel;
  readonly context: AttributeFilterContext;
  readonly resource: AttributeFilter;
  readonly #metrics = new Map<string, MetricDecision>();
  readonly #categories = new Map<string, Category>();

  constructor(policy: Policy, level: PrivacyLevel, context: AttributeFilterContext) {
    this.policy = policy;
    this.level = level;
    this.context = context;
    this.resource = new AttributeFilter(policy.resource, level, context, 'resource_attribute_not_in_policy');
    for (const rule of policy.metrics) {
      this.#categories.set(rule.name, rule.category);
      this.#metrics.set(
        rule.name,
        levelIncludes(level, rule.minLevel)
          ? { allowed: true, metric: { rule, attributes: new AttributeFilter(rule.attributes, level, context) } }
          : { allowed: false, reason: 'metric_above_level' },
      );
    }
  }

  decide(metricName: string): MetricDecision {
    return this.#metrics.get(metricName) ?? { allowed: false, reason: 'metric_not_in_policy' };
  }

  /** The storage category of a metric the policy names, whatever the level. */
  categoryOf(metricName: string): Category | undefined {
    return this.#categories.get(metricName);
  }

  allowedMetrics(): MetricRule[] {
    return this.policy.metrics.filter((m) => levelIncludes(this.level, m.minLevel));
  }
}
