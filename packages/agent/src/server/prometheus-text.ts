import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * Prometheus text exposition (format 0.0.4) of metrics already filtered by the privacy policy, as
 * `@opentelemetry/exporter-prometheus`'s serializer writes it: `target_info` with the resource attributes,
 * dots to underscores, `_total` on monotonic sums, an `otel_scope_name` label. Unlike it, a name reported by
 * two scopes becomes one family (one TYPE line), as the format requires, and a gauge named like a histogram's
 * series gets `_value` (the one rename `promtool check metrics` asks for).
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function prometheusName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string): string => escapeHelp(text).replace(/"/g, '\\"');

function labelText(labels: Attributes): string {
  const parts = Object.entries(labels)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${prometheusName(k)}="${escapeLabel(typeof v === 'string' ? v : JSON.stringify(v))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function valueText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function typeOf(metric: MetricData): 'counter' | 'gauge' | 'histogram' | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      // Exponential histograms have no 0.0.4 form; the policy has none.
      return undefined;
  }
}

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  lines: string[];
}

function samples(name: string, metric: MetricData, scope: string): string[] {
  const lines: string[] = [];
  for (const point of metric.dataPoints) {
    const labels: Attributes = { ...point.attributes, 'otel.scope.name': scope };
    if (metric.dataPointType !== DataPointType.HISTOGRAM) {
      lines.push(`${name}${labelText(labels)} ${valueText(point.value as number)}`);
      continue;
    }
    const histogram = point.value as Histogram;
    let cumulative = 0;
    histogram.buckets.counts.forEach((count, i) => {
      cumulative += count;
      const bound = histogram.buckets.boundaries[i];
      const le = bound === undefined || bound === Infinity ? '+Inf' : String(bound);
      lines.push(`${name}_bucket${labelText({ ...labels, le })} ${cumulative}`);
    });
    if (histogram.buckets.boundaries.length >= histogram.buckets.counts.length) {
      lines.push(`${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${histogram.count}`);
    }
    lines.push(`${name}_sum${labelText(labels)} ${valueText(histogram.sum ?? 0)}`);
    lines.push(`${name}_count${labelText(labels)} ${histogram.count}`);
  }
  return lines;
}

export function toPrometheusText(metrics: ResourceMetrics | undefined): string {
  const out: string[] = [];
  if (metrics) {
    out.push('# HELP target_info Target metadata', '# TYPE target_info gauge');
    out.push(`target_info${labelText(metrics.resource.attributes)} 1`);
  }
  const families = new Map<string, Family>();
  for (const scope of metrics?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      const type = typeOf(metric);
      if (!type) continue;
      let name = prometheusName(metric.descriptor.name);
      if (type === 'counter' && !name.endsWith('_total')) name += '_total';
      // `_count`, `_sum` and `_bucket` are a histogram's series: `system.cpu.logical.count` as is would read as
      // one (and promtool refuses it), so such a gauge gets `_value`.
      if (type === 'gauge' && /_(count|sum|bucket)$/.test(name)) name += '_value';
      const family = families.get(name) ?? { type, help: metric.descriptor.description, lines: [] };
      // A name reported with two different types cannot be one family; the first one stays.
      if (family.type !== type) continue;
      family.lines.push(...samples(name, metric, scope.scope.name));
      families.set(name, family);
    }
  }
  for (const [name, family] of families) {
    if (family.lines.length === 0) continue;
    out.push(`# HELP ${name} ${escapeHelp(family.help || name)}`, `# TYPE ${name} ${family.type}`, ...family.lines);
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
