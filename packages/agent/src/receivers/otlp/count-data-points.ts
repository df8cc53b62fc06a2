import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Data points in a ResourceMetrics: what a consumer compares before and after the privacy processor. */
export function countDataPoints(resourceMetrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) points += metric.dataPoints.length;
  }
  return points;
}
