import { inspect } from 'node:util';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { StreamExporter } from '../exporters/stream/stream-exporter.js';

/**
 * The `console` exporter: each metric printed as the SDK's ConsoleMetricExporter prints it (descriptor, point
 * type, points). That one writes through the global `console`; this one writes to the stream it is given.
 */
export class ConsoleTextExporter extends StreamExporter {
  constructor(options: { out: NodeJS.WritableStream }) {
    super(options.out, 'console');
  }

  protected override format(metrics: ResourceMetrics): string {
    let text = '';
    for (const scope of metrics.scopeMetrics) {
      for (const { descriptor, dataPointType, dataPoints } of scope.metrics) {
        text += `${inspect({ descriptor, dataPointType, dataPoints }, { depth: null, colors: false })}\n`;
      }
    }
    return text;
  }
}
