import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { toAttributes } from './convert-attributes.js';
import {
  BoundsReader,
  exponentialHistogramPoint,
  histogramPoint,
  numberPoint,
  type PointResult,
  type RejectReason,
} from './convert-points.js';
import {
  ShapeError,
  asFields,
  at,
  field,
  flag,
  isFields,
  list,
  message,
  rethrowWithin,
  text,
  type Fields,
} from './otlp-values.js';

/** What the conversion left out, by kind. Nothing is left out silently. */
export interface ConversionStats {
  /** Every data point in the request, converted or not. */
  dataPoints: number;
  rejectedDataPoints: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  /** Scope attributes: the SDK's InstrumentationScope has none. */
  droppedScopeAttributes: number;
  /** Attribute values the SDK cannot carry (key-value lists, bytes, mixed arrays...). */
  droppedAttributes: number;
}

export interface Conversion {
  resourceMetrics: ResourceMetrics[];
  stats: ConversionStats;
}

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
type DataKind = (typeof DATA_KINDS)[number];

/** OTLP's AggregationTemporality numbers (and their names, which OTLP/JSON senders sometimes use). */
const TEMPORALITY: ReadonlyMap<unknown, AggregationTemporality> = new Map<unknown, AggregationTemporality>([
  [1, AggregationTemporality.DELTA],
  [2, AggregationTemporality.CUMULATIVE],
  ['AGGREGATION_TEMPORALITY_DELTA', AggregationTemporality.DELTA],
  ['AGGREGATION_TEMPORALITY_CUMULATIVE', AggregationTemporality.CUMULATIVE],
]);

/** Converts a decoded ExportMetricsServiceRequest (JSON or protobuf) into what the SDK's exporters take. */
export class RequestConverter {
  readonly stats: ConversionStats = {
    dataPoints: 0,
    rejectedDataPoints: 0,
    rejectedByReason: {},
    droppedScopeAttributes: 0,
    droppedAttributes: 0,
  };

  /** Throws ShapeError when the request is not shaped like an ExportMetricsServiceRequest. */
  convert(request: unknown): ResourceMetrics[] {
    const fields = asFields(request);
    const result: ResourceMetrics[] = [];
    list(fields, 'resourceMetrics').forEach((item, index) =>
      at(`resourceMetrics[${index}]`, () => {
        const converted = this.#resource(asFields(item));
        if (converted) result.push(converted);
      }),
    );
    return result;
  }

  #reject(reason: RejectReason, count: number): void {
    if (count === 0) return;
    this.stats.rejectedDataPoints += count;
    this.stats.rejectedByReason[reason] = (this.stats.rejectedByReason[reason] ?? 0) + count;
  }

  #resource(item: Fields): ResourceMetrics | undefined {
    const resource = message(item, 'resource');
    const attributes = resource ? at('resource', () => toAttributes(list(resource, 'attributes'), this.stats)) : {};
    const scopes = list(item, 'scopeMetrics').map((scope, index) =>
      at(`scopeMetrics[${index}]`, () => asFields(scope)),
    );
    if (!attributes) {
      const points = scopes.reduce(
        (sum, scope, index) => sum + at(`scopeMetrics[${index}]`, () => countPoints(scope)),
        0,
      );
      this.stats.dataPoints += points;
      this.#reject('attributes_over_limit', points);
      return undefined;
    }
    const scopeMetrics = scopes.flatMap((scope, index) => at(`scopeMetrics[${index}]`, () => this.#scope(scope)));
    return scopeMetrics.length > 0 ? { resource: resourceFromAttributes(attributes), scopeMetrics } : undefined;
  }

  #scope(item: Fields): ScopeMetrics[] {
    const scope = message(item, 'scope') ?? {};
    const name = at('scope', () => text(scope, 'name'));
    const version = at('scope', () => text(scope, 'version'));
    this.stats.droppedScopeAttributes += at('scope', () => list(scope, 'attributes')).length;
    const metrics = list(item, 'metrics').flatMap((metric, index) =>
      at(`metrics[${index}]`, () => this.#metric(asFields(metric))),
    );
    if (metrics.length === 0) return [];
    return [{ scope: version === '' ? { name } : { name, version }, metrics }];
  }

  #metric(metric: Fields): MetricData[] {
    let kind: DataKind | undefined;
    for (const candidate of DATA_KINDS) {
      const data = field(metric, candidate);
      if (data === undefined || data === null) continue;
      if (kind !== undefined) throw new ShapeError(`has more than one of ${DATA_KINDS.join(', ')}`);
      kind = candidate;
    }
    if (kind === undefined) return [];
    const data = message(metric, kind)!;
    const points = at(kind, () => list(data, 'dataPoints'));
    for (let index = 0; index < points.length; index++) {
      if (!isFields(points[index])) throw new ShapeError('expected an object').within(`${kind}.dataPoints[${index}]`);
    }
    this.stats.dataPoints += points.length;
    const name = text(metric, 'name');
    if (kind === 'summary') return this.#rejectAll('summary_unsupported', points.length);
    if (name === '') return this.#rejectAll('name_missing', points.length);

    const descriptor = { name, description: text(metric, 'description'), unit: text(metric, 'unit') };
    if (kind === 'gauge' || kind === 'sum') {
      const temporality = kind === 'sum' ? this.#temporality(data) : AggregationTemporality.CUMULATIVE;
      if (temporality === undefined) return this.#rejectAll('temporality_unspecified', points.length);
      const valueKinds = { anyDouble: false };
      const dataPoints = this.#points(kind, points, (p) => numberPoint(p, this.stats, valueKinds));
      if (dataPoints.length === 0) return [];
      const base = {
        descriptor: { ...descriptor, valueType: valueKinds.anyDouble ? ValueType.DOUBLE : ValueType.INT },
        aggregationTemporality: temporality,
      };
      return kind === 'gauge'
        ? [{ ...base, dataPointType: DataPointType.GAUGE, dataPoints }]
        : [
            {
              ...base,
              dataPointType: DataPointType.SUM,
              dataPoints,
              isMonotonic: at(kind, () => flag(data, 'isMonotonic')),
            },
          ];
    }

    const temporality = this.#temporality(data);
    if (temporality === undefined) return this.#rejectAll('temporality_unspecified', points.length);
    const base = { descriptor: { ...descriptor, valueType: ValueType.DOUBLE }, aggregationTemporality: temporality };
    if (kind === 'histogram') {
      const boundsReader = new BoundsReader();
      const dataPoints = this.#points(kind, points, (p) => histogramPoint(p, this.stats, boundsReader));
      return dataPoints.length === 0 ? [] : [{ ...base, dataPointType: DataPointType.HISTOGRAM, dataPoints }];
    }
    const dataPoints = this.#points(kind, points, (p) => exponentialHistogramPoint(p, this.stats));
    return dataPoints.length === 0 ? [] : [{ ...base, dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM, dataPoints }];
  }

  #rejectAll(reason: RejectReason, count: number): [] {
    this.#reject(reason, count);
    return [];
  }

  #temporality(data: Fields): AggregationTemporality | undefined {
    return TEMPORALITY.get(field(data, 'aggregationTemporality'));
  }

  /** Converts each point (all already checked to be objects); one closure per metric, none per point. */
  #points<T>(kind: string, points: readonly unknown[], convert: (point: Fields) => PointResult<T>): DataPoint<T>[] {
    const accepted: DataPoint<T>[] = [];
    for (let index = 0; index < points.length; index++) {
      let result: PointResult<T>;
      try {
        result = convert(points[index] as Fields);
      } catch (error) {
        rethrowWithin(error, `${kind}.dataPoints[${index}]`);
      }
      if (typeof result === 'string') this.#reject(result, 1);
      else accepted.push(result);
    }
    return accepted;
  }
}

/** Data points in one ScopeMetrics, without converting them. */
function countPoints(scope: Fields): number {
  let points = 0;
  list(scope, 'metrics').forEach((metric, index) =>
    at(`metrics[${index}]`, () => {
      const fields = asFields(metric);
      for (const kind of DATA_KINDS) {
        const data = message(fields, kind);
        if (data) points += at(kind, () => list(data, 'dataPoints')).length;
      }
    }),
  );
  return points;
}

/** Converts a decoded request; throws ShapeError (with the path) when it is not shaped like one. */
export function toResourceMetrics(request: unknown): Conversion {
  const converter = new RequestConverter();
  const resourceMetrics = converter.convert(request);
  return { resourceMetrics, stats: converter.stats };
}
