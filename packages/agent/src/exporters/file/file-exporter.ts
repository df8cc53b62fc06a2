import path from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import type { Category } from '../../store/category.js';
import { displayPath } from '../../store/display-path.js';
import { errorCode } from '../../store/fs-error.js';
import { categoryDir, dayFileName, utcDay } from '../../store/layout.js';
import type { FileExporterFs } from './file-exporter-fs.js';
import { nodeFileExporterFs } from './file-exporter-fs.js';

export interface FileExporterOptions {
  dataDir: string;
  /** The storage category of a metric; metrics without one are dropped (privacy fails closed) and counted. */
  categoryOf: (metricName: string) => Category | undefined;
  clock: Clock;
  logger: Logger;
  fsImpl?: FileExporterFs;
  /** Only used to shorten paths in messages. */
  homedir?: string;
}

export interface FileExporterStats {
  /** Lines written. */
  records: number;
  points: number;
  bytes: number;
  /** Data points not written, by reason: `dropped_unknown_category`, `disk_full`, `write_failed`. */
  dropped: Record<string, number>;
}

interface OpenFile {
  day: string;
  fd: number;
  /** Size after the last whole line: a failed append is cut back to it. */
  size: number;
  /** A cut-back failed; retried before the next append so no line is glued to a torn one. */
  tornTail: boolean;
}

class WriteFailure extends Error {
  readonly code: string;
  constructor(code: string, file: string, homedir: string | undefined) {
    super(`file exporter: cannot write ${displayPath(file, homedir)}: ${code}`);
    this.code = code;
  }
}

/**
 * Appends each export as OTLP/JSON `ExportMetricsServiceRequest` lines, one line per category, to
 * `<dataDir>/metrics/<category>/<YYYY-MM-DD>.jsonl` (UTC day). Every line goes out in a single write(2) on an
 * O_APPEND descriptor, and a failed or short write is cut back, so files only ever hold whole lines (a crash
 * mid-write is repaired at start by `repairTornTails`). Expects to be the only writer (`acquireDataDirLock`).
 */
export class FileExporter implements PushMetricExporter {
  readonly #options: FileExporterOptions;
  readonly #fs: FileExporterFs;
  readonly #files = new Map<Category, OpenFile>();
  readonly #stats = { records: 0, points: 0, bytes: 0 };
  readonly #dropped: Record<string, number> = {};
  /** Error codes already warned about; cleared (with a recovery message) by the next good write. */
  readonly #failingCodes = new Set<string>();
  /** Exports run one at a time: each line's cut-back point depends on the one before. */
  #queue: Promise<void> = Promise.resolve();
  #shutdown: Promise<void> | undefined;

  constructor(options: FileExporterOptions) {
    this.#options = options;
    this.#fs = options.fsImpl ?? nodeFileExporterFs;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('file exporter: export after shutdown') });
      return;
    }
    const run = this.#queue.then(() => this.#write(metrics));
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    run.then(resultCallback, (err: unknown) =>
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`file exporter: ${errorCode(err)}`) }),
    );
  }

  async forceFlush(): Promise<void> {
    await this.#queue;
    const failures: string[] = [];
    for (const file of this.#files.values()) {
      await this.#fs.datasync(file.fd).catch((err: unknown) => failures.push(errorCode(err)));
    }
    if (failures.length > 0) throw new Error(`file exporter: flush failed: ${failures.join(', ')}`);
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#close();
    return this.#shutdown;
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  stats(): FileExporterStats {
    return { ...this.#stats, dropped: { ...this.#dropped } };
  }

  async #close(): Promise<void> {
    await this.forceFlush().catch((err: unknown) => {
      this.#options.logger.warn('file exporter: flush at shutdown failed', { error: errorCode(err) });
    });
    for (const [category, file] of this.#files) {
      this.#files.delete(category);
      await this.#fs.close(file.fd).catch(() => undefined);
    }
  }

  async #write(metrics: ResourceMetrics): Promise<ExportResult> {
    const { byCategory, unknownPoints } = this.#split(metrics);
    if (unknownPoints > 0) this.#drop('dropped_unknown_category', unknownPoints);
    const errors: Error[] = [];
    for (const [category, scopeMetrics] of byCategory) {
      const points = countPoints(scopeMetrics);
      const error = await this.#append(category, { resource: metrics.resource, scopeMetrics }, points);
      if (error) errors.push(error);
    }
    if (errors.length === 0) return { code: ExportResultCode.SUCCESS };
    const error = errors.length === 1 ? errors[0] : new Error(errors.map((e) => e.message).join('; '));
    return { code: ExportResultCode.FAILED, error };
  }

  #split(metrics: ResourceMetrics): { byCategory: Map<Category, ScopeMetrics[]>; unknownPoints: number } {
    const byCategory = new Map<Category, ScopeMetrics[]>();
    let unknownPoints = 0;
    for (const scopeMetrics of metrics.scopeMetrics) {
      const perCategory = new Map<Category, ScopeMetrics>();
      for (const metric of scopeMetrics.metrics) {
        const category = this.#options.categoryOf(metric.descriptor.name);
        if (category === undefined) {
          unknownPoints += metric.dataPoints.length;
          continue;
        }
        let scoped = perCategory.get(category);
        if (!scoped) {
          scoped = { scope: scopeMetrics.scope, metrics: [] };
          perCategory.set(category, scoped);
          const list = byCategory.get(category) ?? [];
          list.push(scoped);
          byCategory.set(category, list);
        }
        scoped.metrics.push(metric);
      }
    }
    return { byCategory, unknownPoints };
  }

  /** Appends one line; returns the error (already counted and logged) instead of throwing. */
  async #append(category: Category, request: ResourceMetrics, points: number): Promise<Error | undefined> {
    const now = this.#options.clock.now();
    const day = utcDay(now);
    const filePath = path.join(categoryDir(this.#options.dataDir, category), dayFileName(now));
    let file: OpenFile | undefined;
    try {
      const serialized = JsonMetricsSerializer.serializeRequest(request);
      if (!serialized) throw Object.assign(new Error('serializer returned nothing'), { code: 'SERIALIZE_FAILED' });
      const line = Buffer.allocUnsafe(serialized.length + 1);
      line.set(serialized);
      line[serialized.length] = 0x0a;

      file = await this.#fileFor(category, day, filePath);
      if (file.tornTail) {
        await this.#fs.truncate(file.fd, file.size);
        file.tornTail = false;
      }
      let written: number;
      try {
        written = await this.#fs.write(file.fd, line);
      } catch (err) {
        await this.#cutBack(file);
        throw err;
      }
      if (written !== line.length) {
        await this.#cutBack(file);
        throw Object.assign(new Error('short write'), { code: 'SHORT_WRITE' });
      }
      file.size += written;
      this.#stats.records += 1;
      this.#stats.points += points;
      this.#stats.bytes += written;
      if (this.#failingCodes.size > 0) {
        this.#failingCodes.clear();
        this.#options.logger.info('file exporter: writes recovered', { file: this.#display(filePath) });
      }
      return undefined;
    } catch (err) {
      const code = errorCode(err);
      this.#drop(code === 'ENOSPC' ? 'disk_full' : 'write_failed', points);
      if (!this.#failingCodes.has(code)) {
        this.#failingCodes.add(code);
        this.#options.logger.warn('file exporter: write failed; dropping data until a write succeeds', {
          code,
          category,
          file: this.#display(filePath),
        });
      }
      return new WriteFailure(code, filePath, this.#options.homedir);
    }
  }

  async #fileFor(category: Category, day: string, filePath: string): Promise<OpenFile> {
    const current = this.#files.get(category);
    if (current?.day === day) return current;
    if (current) {
      this.#files.delete(category);
      // Yesterday's file is complete: make it durable before letting go of it.
      await this.#fs.datasync(current.fd).catch(() => undefined);
      await this.#fs.close(current.fd).catch(() => undefined);
    }
    await this.#fs.mkdir(path.dirname(filePath), 0o700);
    const fd = await this.#fs.openAppend(filePath, 0o600);
    let size: number;
    try {
      size = await this.#fs.size(fd);
    } catch (err) {
      await this.#fs.close(fd).catch(() => undefined);
      throw err;
    }
    const file: OpenFile = { day, fd, size, tornTail: false };
    this.#files.set(category, file);
    return file;
  }

  async #cutBack(file: OpenFile): Promise<void> {
    try {
      await this.#fs.truncate(file.fd, file.size);
    } catch {
      file.tornTail = true;
    }
  }

  #drop(reason: string, points: number): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + points;
  }

  #display(p: string): string {
    return displayPath(p, this.#options.homedir);
  }
}

function countPoints(scopeMetrics: ScopeMetrics[]): number {
  let points = 0;
  for (const scope of scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}
