import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { StreamExporter } from '../exporters/stream/stream-exporter.js';

/**
 * Prints the exact OTLP/JSON payload an exporter would send, and sends nothing: `PRISM_TELEMETRY_DEBUG=1`.
 * Delta, like the sharing pipelines it stands in for.
 */
export class DebugPrintExporter extends StreamExporter {
  readonly #label: string;

  constructor(options: { out: NodeJS.WritableStream; label: string }) {
    super(options.out, 'debug print');
    this.#label = options.label;
  }

  protected override format(metrics: ResourceMetrics): string {
    const body = Buffer.from(JsonMetricsSerializer.serializeRequest(metrics) ?? []);
    return `# ${this.#label}: ${body.byteLength} bytes, not sent\n${body.toString('utf8')}\n`;
  }

  override selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }
}
