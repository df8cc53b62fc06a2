import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * `otlp_file/development` with `output_stream: stdout`: one OTLP/JSON `ExportMetricsServiceRequest` per line,
 * the format the Collector's file exporter writes, so the output can be piped into tools that read it.
 */
export class OtlpJsonLinesExporter implements PushMetricExporter {
  readonly #out: NodeJS.WritableStream;
  #shutdown = false;

  constructor(options: { out: NodeJS.WritableStream }) {
    this.#out = options.out;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('otlp json lines: export after shutdown') });
      return;
    }
    const body = JsonMetricsSerializer.serializeRequest(metrics);
    if (!body) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('otlp json lines: serializer failed') });
      return;
    }
    this.#out.write(Buffer.concat([body, Buffer.from('\n')]));
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
