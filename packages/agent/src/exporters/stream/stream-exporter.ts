import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * An exporter that writes each export, formatted by a subclass, to a stream it is given (stdout, stderr, a
 * test's buffer), so the agent decides where output goes: the console, OTLP/JSON lines, debug printing.
 */
export abstract class StreamExporter implements PushMetricExporter {
  readonly #out: NodeJS.WritableStream;
  readonly #name: string;
  #shutdown = false;

  constructor(out: NodeJS.WritableStream, name: string) {
    this.#out = out;
    this.#name = name;
  }

  /** The text to write for one export; undefined when it cannot be formatted. */
  protected abstract format(metrics: ResourceMetrics): string | Uint8Array | undefined;

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this.#name}: export after shutdown`) });
      return;
    }
    const text = this.format(metrics);
    if (text === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this.#name}: could not format the data`) });
      return;
    }
    this.#out.write(text);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#shutdown = true;
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}
