import { readLines } from '../../export/read-lines.js';
import { listMetricsFiles } from '../../store/metrics-files.js';
import { parseDayFileName } from '../../store/layout.js';

/** One data point as the files hold it (OTLP/JSON), reduced to what a chart needs. */
export interface StoredPoint {
  metric: string;
  attributes: Record<string, string | number | boolean>;
  timeMillis: number;
  /** Start of a cumulative series (when its counter was created); undefined for gauges without one. */
  startMillis: number | undefined;
  value: number;
}

interface OtlpJsonAttribute {
  key?: unknown;
  value?: Record<string, unknown>;
}

function attributeValue(value: Record<string, unknown> | undefined): string | number | boolean | undefined {
  if (!value) return undefined;
  if (typeof value['stringValue'] === 'string') return value['stringValue'];
  if (typeof value['boolValue'] === 'boolean') return value['boolValue'];
  if (value['intValue'] !== undefined) return Number(value['intValue']);
  if (typeof value['doubleValue'] === 'number') return value['doubleValue'];
  return undefined;
}

function attributesOf(list: unknown): StoredPoint['attributes'] {
  const out: StoredPoint['attributes'] = {};
  if (!Array.isArray(list)) return out;
  for (const a of list as OtlpJsonAttribute[]) {
    const v = attributeValue(a.value);
    if (typeof a.key === 'string' && v !== undefined) out[a.key] = v;
  }
  return out;
}

/** OTLP/JSON times are nanoseconds as decimal strings (or numbers): milliseconds without going through a float. */
function millisOf(nanos: unknown): number | undefined {
  if (typeof nanos === 'number') return Math.floor(nanos / 1e6);
  if (typeof nanos !== 'string' || !/^\d+$/.test(nanos)) return undefined;
  return nanos.length <= 6 ? 0 : Number(nanos.slice(0, -6));
}

function valueOf(point: Record<string, unknown>): number | undefined {
  if (typeof point['asDouble'] === 'number') return point['asDouble'];
  if (point['asInt'] !== undefined) {
    const n = Number(point['asInt']);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The gauge and sum points of `metrics` in one stored line (an ExportMetricsServiceRequest). */
export function pointsOfLine(line: string, metrics: ReadonlySet<string>): StoredPoint[] {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return [];
  }
  const out: StoredPoint[] = [];
  const resources = (request as { resourceMetrics?: unknown }).resourceMetrics;
  if (!Array.isArray(resources)) return out;
  for (const resource of resources as Array<{ scopeMetrics?: unknown }>) {
    if (!Array.isArray(resource.scopeMetrics)) continue;
    for (const scope of resource.scopeMetrics as Array<{ metrics?: unknown }>) {
      if (!Array.isArray(scope.metrics)) continue;
      for (const metric of scope.metrics as Array<Record<string, unknown>>) {
        const name = metric['name'];
        if (typeof name !== 'string' || !metrics.has(name)) continue;
        const data = (metric['gauge'] ?? metric['sum']) as { dataPoints?: unknown } | undefined;
        if (!data || !Array.isArray(data.dataPoints)) continue;
        for (const point of data.dataPoints as Array<Record<string, unknown>>) {
          const timeMillis = millisOf(point['timeUnixNano']);
          const value = valueOf(point);
          if (timeMillis === undefined || value === undefined) continue;
          out.push({
            metric: name,
            attributes: attributesOf(point['attributes']),
            timeMillis,
            startMillis: millisOf(point['startTimeUnixNano']),
            value,
          });
        }
      }
    }
  }
  return out;
}

/**
 * Every stored point of `metrics` in [sinceMillis, untilMillis], oldest file first, handed to `visit` one at a
 * time: only day files that overlap the window are opened, and nothing is kept here, so the caller bounds memory.
 */
export async function forEachStoredPoint(
  dataDir: string,
  options: { metrics: ReadonlySet<string>; sinceMillis: number; untilMillis: number },
  visit: (point: StoredPoint) => void,
): Promise<void> {
  const files = (await listMetricsFiles(dataDir)).filter((f) => {
    const day = parseDayFileName(f.fileName);
    return day !== undefined && day.endMillis > options.sinceMillis && day.startMillis <= options.untilMillis;
  });
  files.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  for (const file of files) {
    try {
      for await (const { text } of readLines(file.path)) {
        if (!text) continue;
        for (const point of pointsOfLine(text, options.metrics)) {
          if (point.timeMillis >= options.sinceMillis && point.timeMillis <= options.untilMillis) visit(point);
        }
      }
    } catch (error) {
      // Removed by retention or `delete --all` while we read: the chart simply has less.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
