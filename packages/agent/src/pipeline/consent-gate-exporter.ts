import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality,
  type DataPoint,
  type MetricData,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { narrowerLevel, type PrivacyLevel, type PrivacyProcessor } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import { errorCode } from '../store/fs-error.js';
import type { Mode, OutboundAttempt } from '../state/types.js';

/** What the consent gate needs to know, read fresh on every export. */
export interface SharingGate {
  mode(): Mode;
  sharingAllowed(): boolean;
  /**
   * The consent in force: data collected before `millis` is never sent, nothing wider than `level`, nowhere
   * but `endpoint` (origin and path, as the receipt records it).
   */
  consent(): { millis: number; level: PrivacyLevel; endpoint: string } | undefined;
}

export interface ConsentGateOptions {
  inner: PushMetricExporter;
  gate: SharingGate;
  /** Origin and path of the endpoint, for the outbound log; must be the consented endpoint. */
  destination: string;
  /**
   * Logs each export handed to `inner` as a network attempt. Absent when `inner` queues (the durable queue's
   * send loop logs each real request instead).
   */
  recordAttempt?: (attempt: OutboundAttempt) => Promise<void>;
  /** The exporter's own `privacy_level`: it narrows the consented level further, never widens it. */
  levelCap?: PrivacyLevel;
  /** The privacy processor for a level; applied again (it is idempotent) to narrow to the consented level. */
  processorFor(level: PrivacyLevel): PrivacyProcessor;
  clock: Clock;
  logger: Logger;
}

const hrMillis = (t: [number, number]): number => t[0] * 1000 + t[1] / 1e6;

/**
 * Stands in front of every exporter that sends data off the machine. Without consent (mode not `on`, no
 * receipt, DO_NOT_TRACK) data is dropped here and no connection is made; with consent, points collected
 * before the consent time are removed, and every attempt is written to the outbound log.
 */
export class ConsentGateExporter implements PushMetricExporter {
  readonly #options: ConsentGateOptions;
  blocked = 0;

  constructor(options: ConsentGateOptions) {
    this.#options = options;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const { gate, inner, clock } = this.#options;
    const consent = gate.consent();
    // A receipt names one endpoint; consent to send there is no consent to send anywhere else.
    if (!gate.sharingAllowed() || consent === undefined || consent.endpoint !== this.#options.destination) {
      this.blocked++;
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const level = this.#options.levelCap ? narrowerLevel(consent.level, this.#options.levelCap) : consent.level;
    const afterConsent = this.#options.processorFor(level).process(onlyAfter(metrics, consent.millis));
    if (afterConsent.scopeMetrics.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const record = this.#options.recordAttempt;
    if (!record) {
      inner.export(afterConsent, resultCallback);
      return;
    }
    const bytes = JsonMetricsSerializer.serializeRequest(afterConsent)?.byteLength ?? 0;
    const mode = gate.mode();
    inner.export(afterConsent, (result) => {
      const outcome = result.code === ExportResultCode.SUCCESS ? 'sent' : `failed:${result.error?.name ?? 'unknown'}`;
      void record({
        at: new Date(clock.now()).toISOString(),
        destination: this.#options.destination,
        bytes,
        mode,
        result: outcome,
        purpose: 'collect',
      })
        // The data has left either way: the export's result stands even when the log cannot be written.
        .catch((error: unknown) => {
          this.#options.logger.error('outbound log: could not record an attempt', { error: errorCode(error) });
        })
        .finally(() => resultCallback(result));
    });
  }

  forceFlush(): Promise<void> {
    return this.#options.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#options.inner.shutdown();
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}

/** Keeps data points whose collection started at or after `millis`. */
function onlyAfter(metrics: ResourceMetrics, millis: number): ResourceMetrics {
  const scopeMetrics = metrics.scopeMetrics
    .map((scope) => ({
      ...scope,
      metrics: scope.metrics
        .map((m) => ({
          ...m,
          dataPoints: (m.dataPoints as DataPoint<unknown>[]).filter((p) => hrMillis(p.startTime) >= millis),
        }))
        .filter((m) => m.dataPoints.length > 0) as MetricData[],
    }))
    .filter((s) => s.metrics.length > 0);
  return { ...metrics, scopeMetrics };
}
