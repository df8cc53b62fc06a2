import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * Prometheus text exposition (format 0.0.4) of metrics already filtered by the privacy policy, written by the
 * official `@opentelemetry/exporter-prometheus` serializer: `target_info` with the (policy-built) resource
 * attributes, dots to underscores, `_total` on monotonic sums, `otel_scope_name` labels.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const serializer = new PrometheusSerializer();

const isGaugeLike = (metric: MetricData): boolean =>
  metric.dataPointType === DataPointType.GAUGE || (metric.dataPointType === DataPointType.SUM && !metric.isMonotonic);

/**
 * `_count`, `_sum` and `_bucket` name a histogram's series: a gauge such as `system.cpu.logical.count` would read
 * as one (and `promtool check metrics` refuses it), so such a gauge is exposed with `.value` appended.
 */
function withUnambiguousNames(metrics: ResourceMetrics): ResourceMetrics {
  return {
    ...metrics,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) =>
        isGaugeLike(metric) && /[._](count|sum|bucket)$/.test(metric.descriptor.name)
          ? { ...metric, descriptor: { ...metric.descriptor, name: `${metric.descriptor.name}.value` } }
          : metric,
      ),
    })),
  };
}

export function toPrometheusText(metrics: ResourceMetrics | undefined): string {
  return metrics ? serializer.serialize(withUnambiguousNames(metrics)) : '';
}
