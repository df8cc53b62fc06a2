import type { ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { PrivacyProcessor } from '../processor/privacy-processor.js';

/** Wraps any metric exporter so everything it receives has passed the privacy processor first. */
export class PrivacyExporter implements PushMetricExporter {
  readonly #inner: PushMetricExporter;
  readonly #processor: PrivacyProcessor;

  constructor(inner: PushMetricExporter, processor: PrivacyProcessor) {
    this.#inner = inner;
    this.#processor = processor;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(this.#processor.process(metrics), resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    // Cumulative unless the wrapped exporter says otherwise: what OTLP files and the Collector expect.
    return this.#inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }
}
