import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { StreamExporter } from '../exporters/stream/stream-exporter.js';

/**
 * `otlp_file/development` with `output_stream: stdout`: one OTLP/JSON `ExportMetricsServiceRequest` per line,
 * the format the Collector's file exporter writes, so the output can be piped into tools that read it.
 */
export class OtlpJsonLinesExporter extends StreamExporter {
  constructor(options: { out: NodeJS.WritableStream }) {
    super(options.out, 'otlp json lines');
  }

  protected override format(metrics: ResourceMetrics): Uint8Array | undefined {
    const body = JsonMetricsSerializer.serializeRequest(metrics);
    return body ? Buffer.concat([body, Buffer.from('\n')]) : undefined;
  }
}
