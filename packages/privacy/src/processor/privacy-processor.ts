import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { PolicyAtLevel } from '../policy/policy-at-level.js';
import type { InstrumentKind } from '../policy/types.js';
import { detectPersonalData } from '../anonymize/personal-data.js';
import { mergeDataPoints } from './merge-points.js';

function matchesInstrument(kind: InstrumentKind, metric: MetricData): boolean {
  switch (kind) {
    case 'gauge':
      return metric.dataPointType === DataPointType.GAUGE;
    case 'counter':
      return metric.dataPointType === DataPointType.SUM && metric.isMonotonic;
    case 'updowncounter':
      return metric.dataPointType === DataPointType.SUM && !metric.isMonotonic;
    case 'histogram':
      return (
        metric.dataPointType === DataPointType.HISTOGRAM || metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM
      );
  }
}

/**
 * The anonymizing processor: enforces the privacy policy on exported data from any source (our own
 * MeterProvider, an app's, or OTLP received from elsewhere). Fail closed: a metric the policy does not name
 * at this level, or whose type differs from the policy's, is removed; so is every attribute it does not name.
 * Names, units and descriptions are replaced by the policy's own, so free text from a sender never passes.
 * Every removal is counted by reason in `policy.context.drops`.
 */
export class PrivacyProcessor {
  readonly policy: PolicyAtLevel;
  #rejected = 0;

  constructor(policy: PolicyAtLevel) {
    this.policy = policy;
  }

  process(input: ResourceMetrics): ResourceMetrics {
    return this.processCounting(input).output;
  }

  /**
   * Like `process`, and says how many data points were rejected outright (their metric is not in the policy at
   * this level, or has the wrong type): what an OTLP receiver reports back as `partial_success`.
   */
  processCounting(input: ResourceMetrics): { output: ResourceMetrics; rejectedDataPoints: number } {
    this.#rejected = 0;
    const scopeMetrics: ScopeMetrics[] = [];
    for (const scope of input.scopeMetrics) {
      const metrics = scope.metrics.flatMap((m) => this.#metric(m));
      if (metrics.length > 0) scopeMetrics.push({ scope: this.#scope(scope.scope), metrics });
    }
    const attributes = this.policy.resource.filter(input.resource.attributes);
    // The level this data was actually filtered at, which can be narrower than the collecting provider's.
    attributes['prism.privacy_level'] = this.policy.level;
    return {
      output: { resource: resourceFromAttributes(attributes), scopeMetrics },
      rejectedDataPoints: this.#rejected,
    };
  }

  #scope(scope: ScopeMetrics['scope']): ScopeMetrics['scope'] {
    const { pseudonymizer } = this.policy.context;
    const clean = (text: string): string =>
      detectPersonalData(text) === undefined && text.length <= 128 ? text : pseudonymizer.pseudonym(text);
    return {
      name: clean(scope.name),
      ...(scope.version === undefined ? {} : { version: clean(scope.version) }),
    };
  }

  #metric(metric: MetricData): MetricData[] {
    const { drops } = this.policy.context;
    const points = metric.dataPoints as DataPoint<unknown>[];
    const decision = this.policy.decide(metric.descriptor.name);
    if (!decision.allowed) {
      drops.add(decision.reason, Math.max(points.length, 1));
      this.#rejected += points.length;
      return [];
    }
    const { rule, attributes } = decision.metric;
    if (!matchesInstrument(rule.instrument, metric)) {
      drops.add('metric_type_mismatch', Math.max(points.length, 1));
      this.#rejected += points.length;
      return [];
    }
    const filtered = points.map((p) => ({ ...p, attributes: attributes.filter(p.attributes as Attributes) }));
    const merged = mergeDataPoints(metric, filtered);
    drops.add('data_point_unmergeable', merged.unmergeable);
    if (merged.points.length === 0) return [];
    return [
      {
        ...metric,
        descriptor: { ...metric.descriptor, name: rule.name, unit: rule.unit, description: rule.description },
        dataPoints: merged.points,
      } as MetricData,
    ];
  }
}
