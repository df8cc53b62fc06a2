import path from 'node:path';
import type { Category } from './category.js';

/**
 * The data directory layout, in one place:
 *   <dataDir>/agent.lock
 *   <dataDir>/metrics/<category>/<YYYY-MM-DD>.jsonl   (UTC day, one OTLP/JSON request per line)
 */
export const LOCK_FILE_NAME = 'agent.lock';
export const METRICS_DIR_NAME = 'metrics';

const DAY_MILLIS = 86_400_000;
const DAY_FILE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})\.jsonl$/;

export function metricsDir(dataDir: string): string {
  return path.join(dataDir, METRICS_DIR_NAME);
}

export function categoryDir(dataDir: string, category: Category): string {
  return path.join(dataDir, METRICS_DIR_NAME, category);
}

/** `YYYY-MM-DD` of the UTC day containing `millis`. */
export function utcDay(millis: number): string {
  return new Date(millis).toISOString().slice(0, 10);
}

export function dayFileName(millis: number): string {
  return `${utcDay(millis)}.jsonl`;
}

/** The UTC day a file name stands for, or undefined when the name is not exactly `YYYY-MM-DD.jsonl`. */
export function parseDayFileName(name: string): { day: string; startMillis: number; endMillis: number } | undefined {
  const match = DAY_FILE_PATTERN.exec(name);
  if (!match) return undefined;
  const startMillis = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = name.slice(0, 10);
  // Date.UTC rolls 2026-02-31 over to March; a name that does not round-trip is not a day we wrote.
  if (Number.isNaN(startMillis) || utcDay(startMillis) !== day) return undefined;
  return { day, startMillis, endMillis: startMillis + DAY_MILLIS };
}

/** Report-friendly relative name, always with `/`: `metrics/health/2026-11-22.jsonl`. */
export function relativeMetricsFile(category: string, fileName: string): string {
  return path.posix.join(METRICS_DIR_NAME, category, fileName);
}
