import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { AttributeValue } from './rule.js';

interface Entry {
  atMillis: number;
  /** Running total of a sum (delta points are added up), or a gauge's value. */
  total: number;
}

export interface Series {
  metric: string;
  attributes: Record<string, AttributeValue>;
  /** The latest data point's value. */
  value: number;
  seenMillis: number;
  /** Kept only for metrics some rule takes the `increase` of; oldest first. */
  history: Entry[];
}

export interface SeriesStoreOptions {
  /** How much history to keep per metric: the longest `increase` window of a rule on it. */
  historyMillis: ReadonlyMap<string, number>;
}

/** A stable key for a set of attributes, whatever order they come in. */
export function seriesKey(attributes: Record<string, AttributeValue>): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const hrMillis = (time: readonly [number, number]): number => time[0] * 1000 + time[1] / 1e6;

/**
 * The latest value of every series (metric + attributes) the pipeline exported, plus a short history of the
 * counters that `increase` rules need. Fed with what the privacy processor let through, so it holds nothing
 * the data files do not.
 */
export class SeriesStore {
  readonly #options: SeriesStoreOptions;
  readonly #byMetric = new Map<string, Map<string, Series>>();
  /** When each instrumentation scope was last exported: a series new in a known scope was 0 back then. */
  readonly #scopeSeen = new Map<string, number>();

  constructor(options: SeriesStoreOptions) {
    this.#options = options;
  }

  ingest(metrics: ResourceMetrics, nowMillis: number): void {
    for (const scopeMetrics of metrics.scopeMetrics) {
      const scopeKnownAt = this.#scopeSeen.get(scopeMetrics.scope.name);
      this.#scopeSeen.set(scopeMetrics.scope.name, nowMillis);
      for (const metric of scopeMetrics.metrics) {
        if (metric.dataPointType !== DataPointType.GAUGE && metric.dataPointType !== DataPointType.SUM) continue;
        const delta =
          metric.dataPointType === DataPointType.SUM && metric.aggregationTemporality === AggregationTemporality.DELTA;
        const name = metric.descriptor.name;
        const historyMillis = this.#options.historyMillis.get(name);
        let series = this.#byMetric.get(name);
        if (!series) this.#byMetric.set(name, (series = new Map()));
        for (const point of metric.dataPoints) {
          const value = point.value;
          if (typeof value !== 'number' || !Number.isFinite(value)) continue;
          const attributes = scalarAttributes(point.attributes);
          const key = seriesKey(attributes);
          let entry = series.get(key);
          if (!entry) {
            entry = { metric: name, attributes, value, seenMillis: nowMillis, history: [] };
            series.set(key, entry);
            // When the counter was last known to be zero: at the previous export of its scope (it did not exist
            // then), else when its stream started. `increase` counts growth from there, pro rata.
            const zeroAtMillis = scopeKnownAt ?? hrMillis(point.startTime);
            if (historyMillis !== undefined && zeroAtMillis < nowMillis) {
              entry.history.push({ atMillis: zeroAtMillis, total: 0 });
            }
          }
          const previousTotal = entry.history.at(-1)?.total ?? 0;
          entry.value = value;
          entry.seenMillis = nowMillis;
          if (historyMillis !== undefined) {
            entry.history.push({ atMillis: nowMillis, total: delta ? previousTotal + value : value });
            trimHistory(entry.history, nowMillis - historyMillis);
          }
        }
      }
    }
  }

  /** The series of `metric`, in the order they first appeared. */
  series(metric: string): Series[] {
    return [...(this.#byMetric.get(metric)?.values() ?? [])];
  }

  /** Forgets series not exported for `staleAfterMillis` (a receiver that stopped, a service taken out). */
  forgetStale(nowMillis: number, staleAfterMillis: number): void {
    for (const series of this.#byMetric.values()) {
      for (const [key, entry] of series) if (nowMillis - entry.seenMillis > staleAfterMillis) series.delete(key);
    }
  }
}

/** Keeps the last entry at or before `fromMillis` (the baseline) and everything after. */
function trimHistory(history: Entry[], fromMillis: number): void {
  let firstKept = 0;
  for (let i = 0; i < history.length; i++) if (history[i]!.atMillis <= fromMillis) firstKept = i;
  if (firstKept > 0) history.splice(0, firstKept);
}

/**
 * How much a counter grew over `(nowMillis - windowMillis, nowMillis]`. A drop means the counter restarted, so
 * all of its new value is growth. The step that straddles the window's start counts pro rata: growth is
 * assumed even between two samples.
 */
export function increase(history: readonly Entry[], nowMillis: number, windowMillis: number): number {
  const fromMillis = nowMillis - windowMillis;
  let total = 0;
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1]!;
    const b = history[i]!;
    if (b.atMillis <= fromMillis || b.atMillis > nowMillis) continue;
    let step = b.total >= a.total ? b.total - a.total : b.total;
    if (a.atMillis < fromMillis) step *= (b.atMillis - fromMillis) / (b.atMillis - a.atMillis);
    total += step;
  }
  return total;
}

function scalarAttributes(attributes: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
