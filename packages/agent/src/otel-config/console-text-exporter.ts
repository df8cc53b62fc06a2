import { inspect } from 'node:util';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * The `console` exporter: each metric printed as the SDK's ConsoleMetricExporter prints it (descriptor, point
 * type, points). That one writes through the global `console`; this one writes to the stream it is given, so
 * the agent decides where it goes and tests can read it.
 */
export class ConsoleTextExporter implements PushMetricExporter {
  readonly #out: NodeJS.WritableStream;
  #shutdown = false;

  constructor(options: { out: NodeJS.WritableStream }) {
    this.#out = options.out;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('console: export after shutdown') });
      return;
    }
    let text = '';
    for (const scope of metrics.scopeMetrics) {
      for (const { descriptor, dataPointType, dataPoints } of scope.metrics) {
        text += `${inspect({ descriptor, dataPointType, dataPoints }, { depth: null, colors: false })}\n`;
      }
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
