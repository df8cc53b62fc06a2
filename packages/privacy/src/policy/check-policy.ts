import { PRIVACY_LEVELS, type Policy } from './types.js';
import { levelIncludes } from './levels.js';

/**
 * Consistency rules a policy must satisfy; returns one message per violation.
 * - names are unique;
 * - a gauge never drops an attribute at a level where the metric is collected (merging gauges by
 *   dropping a key would keep one arbitrary series and silently lose the others);
 * - `bucket` needs boundaries, `values` only make sense with `keep`;
 * - treatments never widen as the level narrows (minimal is never less private than standard).
 */
export function checkPolicy(policy: Policy): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const order = { drop: 0, hash: 1, bucket: 1, keep: 2 } as const;
  for (const metric of policy.metrics) {
    if (names.has(metric.name)) problems.push(`${metric.name}: defined twice`);
    names.add(metric.name);
    for (const attribute of metric.attributes) {
      const where = `${metric.name} attribute ${attribute.key}`;
      for (const level of PRIVACY_LEVELS) {
        const treatment = attribute.treatment[level];
        if (metric.instrument === 'gauge' && treatment === 'drop' && levelIncludes(level, metric.minLevel)) {
          problems.push(`${where}: a gauge must not drop an attribute at ${level}; exclude the metric instead`);
        }
        if (treatment === 'bucket' && !attribute.buckets?.length) problems.push(`${where}: bucket needs buckets`);
      }
      for (let i = 1; i < PRIVACY_LEVELS.length; i++) {
        const narrower = attribute.treatment[PRIVACY_LEVELS[i - 1]!];
        const wider = attribute.treatment[PRIVACY_LEVELS[i]!];
        if (order[narrower] > order[wider])
          problems.push(`${where}: ${PRIVACY_LEVELS[i - 1]} reveals more than ${PRIVACY_LEVELS[i]}`);
      }
    }
  }
  return problems;
}
