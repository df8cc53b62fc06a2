import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Logger } from '../../component/logger.js';
import { DurableQueue, type AppendFailure, type DurableQueueOptions } from './queue/durable-queue.js';
import type { QueueStats } from './queue/stats-file.js';
import { SendLoop, type FlushReport, type SendLoopOptions } from './send-loop.js';

export interface QueuedExporterOptions {
  queue: DurableQueue;
  loop: SendLoop;
  logger: Logger;
}

/** Everything to open the queue and build its send loop (the loop's `queue` is the opened one). */
export type OpenQueuedExporterOptions = DurableQueueOptions & Omit<SendLoopOptions, 'queue'>;

/**
 * Why an export was not queued, as the error's `name` and `message`: a fixed code, safe for logs and the
 * outbound log (`disk_full`, `write_failed`, `too_large`, `closed`, `revoked`, `serialize_failed`).
 */
export class QueueAppendError extends Error {
  readonly reason: AppendFailure | 'serialize_failed';
  constructor(reason: AppendFailure | 'serialize_failed') {
    super(reason);
    this.name = reason;
    this.reason = reason;
  }
}

/** Data points in an export, as the queue counts them. */
export function countPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}

/**
 * The sharing exporter: each export becomes one OTLP protobuf request appended to the durable queue, and is
 * acknowledged to the pipeline only once it is on disk; the send loop takes it from there. Sharing pipelines
 * are delta: a batch resent after a crash, or dropped, never distorts a cumulative series.
 */
export class QueuedExporter implements PushMetricExporter {
  readonly #options: QueuedExporterOptions;
  #shutdown: Promise<void> | undefined;

  constructor(options: QueuedExporterOptions) {
    this.#options = options;
  }

  /** Opens (recovers) the queue in `options.dir` and builds the send loop; call `start()` to begin sending. */
  static async open(options: OpenQueuedExporterOptions): Promise<QueuedExporter> {
    const queue = await DurableQueue.open(options);
    const loop = new SendLoop({ ...options, queue });
    return new QueuedExporter({ queue, loop, logger: options.logger });
  }

  /** Starts the send loop (it sends what a previous run left queued at once). */
  start(): Promise<void> {
    return this.#options.loop.start();
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new QueueAppendError('closed') });
      return;
    }
    const points = countPoints(metrics);
    if (points === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const payload = ProtobufMetricsSerializer.serializeRequest(metrics);
    if (!payload) {
      resultCallback({ code: ExportResultCode.FAILED, error: new QueueAppendError('serialize_failed') });
      return;
    }
    this.#options.queue.append(payload, { points }).then(
      (result) => {
        if (result.queued) {
          this.#options.loop.queued();
          resultCallback({ code: ExportResultCode.SUCCESS });
        } else {
          resultCallback({ code: ExportResultCode.FAILED, error: new QueueAppendError(result.reason) });
        }
      },
      () => resultCallback({ code: ExportResultCode.FAILED, error: new QueueAppendError('write_failed') }),
    );
  }

  /**
   * Exported data is already durable in the queue, which is all a reader's flush (or shutdown) needs: waiting
   * here for the endpoint would hold SIGTERM through every retry of an outage. Sending is started, not awaited;
   * `flush()` (the `flush` command) waits for it.
   */
  forceFlush(): Promise<void> {
    if (!this.#shutdown) this.#options.loop.kick();
    return Promise.resolve();
  }

  /** Sends what is queued now (respecting the gate) and reports what happened. */
  flush(): Promise<FlushReport> {
    return this.#options.loop.flushNow();
  }

  /** Consent revoked: everything queued is removed from disk, counted `revoked`. */
  purge(): Promise<number> {
    return this.#options.queue.purge();
  }

  /** What the send loop is doing: `sending` (I/O under way), `waiting` (a backoff) or `idle`. */
  get sendActivity(): 'idle' | 'sending' | 'waiting' {
    return this.#options.loop.activity;
  }

  stats(): QueueStats {
    return this.#options.queue.stats();
  }

  /** Stops sending (at once, even mid-backoff) and closes the queue; nothing queued is dropped. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      await this.#options.loop.shutdown();
      await this.#options.queue.close();
    })();
    return this.#shutdown;
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }
}
