import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * Prints the exact OTLP/JSON payload an exporter would send, and sends nothing: `dry-run` and
 * `PRISM_TELEMETRY_DEBUG=1`.
 */
export class DebugPrintExporter implements PushMetricExporter {
  readonly #out: NodeJS.WritableStream;
  readonly #label: string;

  constructor(options: { out: NodeJS.WritableStream; label: string }) {
    this.#out = options.out;
    this.#label = options.label;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const body = JsonMetricsSerializer.serializeRequest(metrics);
    this.#out.write(
      `# ${this.#label}: ${body?.byteLength ?? 0} bytes, not sent\n${Buffer.from(body ?? []).toString('utf8')}\n`,
    );
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }
}
