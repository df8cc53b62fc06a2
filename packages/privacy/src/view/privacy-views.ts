import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';
import type { PolicyAtLevel } from '../policy/policy-at-level.js';

/**
 * OpenTelemetry Views for the instruments the policy names: excluded metrics get the DROP aggregation,
 * included ones an attributes processor that hashes, buckets or drops attributes before aggregation, so
 * sums stay exact for every reader.
 *
 * Views cannot select "every instrument not listed" without doubling matched streams, so an instrument the
 * policy does not name is removed by the PrivacyProcessor on export instead (fail closed either way).
 * Dropping attributes is exact for synchronous instruments only: the SDK's asynchronous storage keeps the
 * last of the merged observations, so instruments feeding these Views should be synchronous.
 */
export function createPrivacyViews(policy: PolicyAtLevel): ViewOptions[] {
  return policy.policy.metrics.map((rule): ViewOptions => {
    const decision = policy.decide(rule.name);
    if (!decision.allowed) return { instrumentName: rule.name, aggregation: { type: AggregationType.DROP } };
    const filter = decision.metric.attributes;
    return {
      instrumentName: rule.name,
      description: rule.description,
      attributesProcessors: [{ process: (attributes) => filter.filter(attributes) }],
    };
  });
}
