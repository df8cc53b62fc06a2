import { forEachStoredPoint, type StoredPoint } from './stored-points.js';

export const MAX_POINTS_PER_SERIES = 600;
/** A metric with more series than this (many mount points or services) shows the first ones. */
const MAX_SERIES_PER_CHART = 20;

export interface ChartSeries {
  label: string;
  points: Array<[number, number]>;
}

export interface Chart {
  id: string;
  title: string;
  unit: string;
  series: ChartSeries[];
}

export type Evolution = 'growing' | 'stable' | 'declining' | 'unknown';

export interface ChartsReport {
  charts: Chart[];
  levelStatus: { evolution: Evolution; functional: boolean | null };
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  metric: string;
  scale: number;
  label: (attributes: StoredPoint['attributes']) => string;
}

const CHARTS: readonly ChartSpec[] = [
  { id: 'cpu', title: 'CPU', unit: '%', metric: 'system.cpu.utilization', scale: 100, label: () => 'cpu' },
  { id: 'memory', title: 'Memory', unit: '%', metric: 'system.memory.utilization', scale: 100, label: () => 'memory' },
  {
    id: 'disk',
    title: 'Disk',
    unit: '%',
    metric: 'system.filesystem.utilization',
    scale: 100,
    label: (a) => String(a['system.filesystem.mountpoint'] ?? 'disk'),
  },
  { id: 'level', title: 'Application level', unit: '%', metric: 'prism.app.level', scale: 1, label: () => 'level' },
  {
    id: 'services',
    title: 'Service latency',
    unit: 'ms',
    metric: 'prism.service.latency',
    scale: 1000,
    label: (a) => String(a['prism.service'] ?? 'service'),
  },
];

const EVOLUTION_METRIC = 'prism.app.level.evolution';
const FUNCTIONAL_METRIC = 'prism.app.functional';

/**
 * A fixed number of time buckets per series, each keeping the last point that fell into it: however much is
 * stored, a series costs at most MAX_POINTS_PER_SERIES entries.
 */
class Downsampler {
  readonly #since: number;
  readonly #width: number;
  readonly #buckets = new Map<number, [number, number]>();

  constructor(sinceMillis: number, untilMillis: number) {
    this.#since = sinceMillis;
    this.#width = Math.max(1, Math.ceil((untilMillis - sinceMillis + 1) / MAX_POINTS_PER_SERIES));
  }

  add(timeMillis: number, value: number): void {
    this.#buckets.set(Math.floor((timeMillis - this.#since) / this.#width), [timeMillis, value]);
  }

  points(): Array<[number, number]> {
    return [...this.#buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }
}

function evolutionOf(value: number | undefined): Evolution {
  if (value === undefined) return 'unknown';
  return value > 0 ? 'growing' : value < 0 ? 'declining' : 'stable';
}

/** The charts of the last `hours`, built from the stored files. */
export async function buildCharts(
  dataDir: string,
  options: { nowMillis: number; hours: number },
): Promise<ChartsReport> {
  const untilMillis = options.nowMillis;
  const sinceMillis = untilMillis - options.hours * 3_600_000;
  const series = new Map<string, Map<string, Downsampler>>(CHARTS.map((c) => [c.id, new Map()]));
  const byMetric = new Map(CHARTS.map((c) => [c.metric, c]));
  let evolution: { at: number; value: number } | undefined;
  let functional: { at: number; value: number } | undefined;
  const metrics = new Set([...byMetric.keys(), EVOLUTION_METRIC, FUNCTIONAL_METRIC]);
  await forEachStoredPoint(dataDir, { metrics, sinceMillis, untilMillis }, (point) => {
    if (point.metric === EVOLUTION_METRIC) {
      if (!evolution || point.timeMillis >= evolution.at) evolution = { at: point.timeMillis, value: point.value };
      return;
    }
    if (point.metric === FUNCTIONAL_METRIC) {
      if (!functional || point.timeMillis >= functional.at) functional = { at: point.timeMillis, value: point.value };
      return;
    }
    const spec = byMetric.get(point.metric);
    if (!spec) return;
    const chart = series.get(spec.id)!;
    const label = spec.label(point.attributes);
    let sampler = chart.get(label);
    if (!sampler) {
      if (chart.size >= MAX_SERIES_PER_CHART) return;
      chart.set(label, (sampler = new Downsampler(sinceMillis, untilMillis)));
    }
    sampler.add(point.timeMillis, point.value * spec.scale);
  });
  return {
    charts: CHARTS.map((spec) => ({
      id: spec.id,
      title: spec.title,
      unit: spec.unit,
      series: [...series.get(spec.id)!.entries()].map(([label, sampler]) => ({ label, points: sampler.points() })),
    })),
    levelStatus: {
      evolution: evolutionOf(evolution?.value),
      functional: functional === undefined ? null : functional.value >= 1,
    },
  };
}

/**
 * Critical errors counted in the window: the increase of every `prism.errors.critical` series (a cumulative
 * counter in the files), a drop in value being a restart of the counter.
 */
export async function criticalErrorsSince(dataDir: string, sinceMillis: number, untilMillis: number): Promise<number> {
  const last = new Map<string, number>();
  let total = 0;
  await forEachStoredPoint(dataDir, { metrics: new Set(['prism.errors.critical']), sinceMillis, untilMillis }, (p) => {
    const key = JSON.stringify(Object.entries(p.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const previous = last.get(key);
    if (previous !== undefined) total += p.value >= previous ? p.value - previous : p.value;
    // A series that began inside the window counted every one of its errors in it.
    else if (p.startMillis !== undefined && p.startMillis >= sinceMillis) total += p.value;
    last.set(key, p.value);
  });
  return total;
}
