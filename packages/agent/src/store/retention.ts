import { stat, unlink } from 'node:fs/promises';
import type { Clock, Ticker } from '../component/clock.js';
import type { Component } from '../component/component.js';
import type { Logger } from '../component/logger.js';
import { PrismError } from '../errors.js';
import type { Category } from './category.js';
import { isCategory } from './category.js';
import { dataDirError, errorCode } from './fs-error.js';
import { parseDayFileName, utcDay } from './layout.js';
import { listMetricsFiles } from './metrics-files.js';
import { listAlertFiles } from '../alerts/store.js';

export interface Purge {
  /** Relative to the data directory: `metrics/health/2026-11-22.jsonl`. */
  file: string;
  category: Category;
  reason: 'older_than_retention' | 'over_total_size';
  bytes: number;
}

export interface RetentionOptions {
  dataDir: string;
  /** How long each category's data is kept, counted from the end of the file's UTC day. */
  retentionMillis: Record<Category, number>;
  /** Cap on the total size of all `metrics/*\/*.jsonl` files. */
  maxTotalBytes: number;
  nowMillis: number;
}

export interface RetentionResult {
  purges: Purge[];
  /** Size of all metrics files after the purges. */
  totalBytes: number;
  /**
   * True when the data is still over `maxTotalBytes` after every removable file went: what is left is today's
   * files (still being written) and files the agent did not name, which retention never deletes.
   */
  unresolved: boolean;
}

interface Candidate {
  path: string;
  file: string;
  category: Category;
  day: string;
  endMillis: number;
  bytes: number;
}

/**
 * Deletes day files past their category's retention, then the oldest days (by date, then category) while the
 * total is over the cap. Today's files (UTC) and files not named `YYYY-MM-DD.jsonl` in a category directory
 * are never deleted, though they count towards the total.
 */
export async function applyRetention(options: RetentionOptions & { homedir?: string }): Promise<RetentionResult> {
  const { dataDir, retentionMillis, maxTotalBytes, nowMillis } = options;
  const fail = (action: string, p: string, err: unknown): Error =>
    dataDirError(action, p, err, 'check the permissions of the data directory', options.homedir);

  const files = await listMetricsFiles(dataDir).catch((err: unknown) => {
    throw fail('list metrics files in', dataDir, err);
  });
  let totalBytes = 0;
  const candidates: Candidate[] = [];
  for (const f of files) {
    const bytes = await sizeOf(f.path).catch((err: unknown) => {
      throw fail('read size of', f.path, err);
    });
    if (bytes === undefined) continue;
    totalBytes += bytes;
    const day = parseDayFileName(f.fileName);
    if (!day || !isCategory(f.dirName)) continue;
    candidates.push({
      path: f.path,
      file: f.relative,
      category: f.dirName,
      day: day.day,
      endMillis: day.endMillis,
      bytes,
    });
  }

  // Alert events are kept like health data (docs/ALERTS.md) and count towards the size cap.
  const alertFiles = await listAlertFiles(dataDir).catch((err: unknown) => {
    throw fail('list alert files in', dataDir, err);
  });
  for (const f of alertFiles) {
    const bytes = await sizeOf(f.path).catch((err: unknown) => {
      throw fail('read size of', f.path, err);
    });
    if (bytes === undefined) continue;
    totalBytes += bytes;
    candidates.push({ path: f.path, file: f.relative, category: 'health', day: f.day, endMillis: f.endMillis, bytes });
  }

  const purges: Purge[] = [];
  const remove = async (c: Candidate, reason: Purge['reason']): Promise<void> => {
    try {
      await unlink(c.path);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return; // already gone: nothing freed, nothing to report
      throw fail('remove', c.path, err);
    }
    totalBytes -= c.bytes;
    purges.push({ file: c.file, category: c.category, reason, bytes: c.bytes });
  };

  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (c.endMillis < nowMillis - retentionMillis[c.category]) await remove(c, 'older_than_retention');
    else kept.push(c);
  }

  const today = utcDay(nowMillis);
  const bySize = kept
    .filter((c) => c.day !== today)
    .sort((a, b) => a.day.localeCompare(b.day) || a.category.localeCompare(b.category));
  for (const c of bySize) {
    if (totalBytes <= maxTotalBytes) break;
    await remove(c, 'over_total_size');
  }
  return { purges, totalBytes, unresolved: totalBytes > maxTotalBytes };
}

async function sizeOf(p: string): Promise<number | undefined> {
  try {
    return (await stat(p)).size;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export interface RetentionSchedulerOptions extends Omit<RetentionOptions, 'nowMillis'> {
  clock: Clock;
  logger: Logger;
  /** Default: 24 hours. */
  intervalMillis?: number;
  homedir?: string;
}

/** Runs `applyRetention` at start and then every `intervalMillis`, logging every file it removes. */
export class RetentionScheduler implements Component {
  readonly #options: RetentionSchedulerOptions;
  #ticker: Ticker | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: RetentionSchedulerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    await this.runOnce();
    if (this.#stopped) return;
    this.#ticker = this.#options.clock.every(this.#options.intervalMillis ?? 86_400_000, () => {
      // A run still going when the next tick comes (a huge directory, a slow disk) is not doubled up.
      this.#running ??= this.runOnce().finally(() => {
        this.#running = undefined;
      });
    });
  }

  /** One retention pass; failures are logged, not thrown, so a bad day does not stop the agent. */
  async runOnce(): Promise<void> {
    const { clock, logger, dataDir, retentionMillis, maxTotalBytes, homedir } = this.#options;
    try {
      const result = await applyRetention({ dataDir, retentionMillis, maxTotalBytes, nowMillis: clock.now(), homedir });
      for (const p of result.purges) {
        logger.info('retention: removed file', {
          file: p.file,
          category: p.category,
          reason: p.reason,
          bytes: p.bytes,
        });
      }
      if (result.unresolved) {
        logger.warn('retention: metrics still over the size cap; only today and unknown files are left', {
          totalBytes: result.totalBytes,
          maxTotalBytes,
        });
      }
    } catch (err) {
      // PrismError messages carry only display paths; anything else is reduced to its code.
      logger.error('retention: run failed', {
        error: err instanceof PrismError ? err.message : errorCode(err),
      });
    }
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    this.#ticker?.cancel();
    this.#ticker = undefined;
    await this.#running;
  }
}
