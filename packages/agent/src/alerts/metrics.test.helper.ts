import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ValueType } from '@opentelemetry/api';

export interface PointSpec {
  attributes?: Record<string, string | number | boolean>;
  value: number;
  /** Epoch milliseconds the stream started; default 0 (long ago). */
  startMillis?: number;
}

const hr = (millis: number): [number, number] => [Math.floor(millis / 1000), (millis % 1000) * 1e6];

function metric(name: string, points: PointSpec[], sum?: AggregationTemporality): MetricData {
  const dataPoints = points.map((p) => ({
    attributes: p.attributes ?? {},
    startTime: hr(p.startMillis ?? 0),
    endTime: hr(0),
    value: p.value,
  }));
  const descriptor = {
    name,
    description: '',
    unit: '',
    valueType: ValueType.DOUBLE,
    type: sum === undefined ? InstrumentType.GAUGE : InstrumentType.COUNTER,
  };
  return sum === undefined
    ? {
        descriptor,
        dataPointType: DataPointType.GAUGE,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPoints,
      }
    : { descriptor, dataPointType: DataPointType.SUM, aggregationTemporality: sum, isMonotonic: true, dataPoints };
}

/** A hand-built export, as the privacy processor would pass it on: one scope, the given metrics. */
export function exportOf(
  metrics: Array<{ name: string; points: PointSpec[]; sum?: AggregationTemporality }>,
  scope = 'prism-telemetry/receiver/test',
): ResourceMetrics {
  return {
    resource: resourceFromAttributes({}),
    scopeMetrics: [{ scope: { name: scope }, metrics: metrics.map((m) => metric(m.name, m.points, m.sum)) }],
  };
}

export const gaugeExport = (name: string, value: number, attributes?: PointSpec['attributes']): ResourceMetrics =>
  exportOf([{ name, points: [{ value, ...(attributes ? { attributes } : {}) }] }]);
