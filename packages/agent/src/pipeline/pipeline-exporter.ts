import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { PrivacyProcessor } from '@prism-telemetry/privacy';

export interface PipelineExporterOptions {
  /** Instrumentation scopes of this pipeline's receivers (plus the agent's own); other scopes are skipped. */
  scopes: ReadonlySet<string>;
  processor: PrivacyProcessor;
  exporters: readonly PushMetricExporter[];
  /**
   * Delta for pipelines that send data off the machine: each point then covers one interval, so the consent
   * gate can drop exactly what was collected before consent. Cumulative otherwise (what OTLP files hold).
   */
  temporality?: AggregationTemporality;
  /** False while the agent is in mode `off`: nothing is stored or sent. */
  isOpen?: () => boolean;
}

/**
 * One pipeline, as the OpenTelemetry Collector draws it: its receivers' data -> the privacy processor ->
 * every exporter of the pipeline. It succeeds only when every exporter succeeded.
 */
export class PipelineExporter implements PushMetricExporter {
  readonly #options: PipelineExporterOptions;

  constructor(options: PipelineExporterOptions) {
    this.#options = options;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const { scopes, processor, exporters, isOpen } = this.#options;
    if (isOpen && !isOpen()) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const own = { ...metrics, scopeMetrics: metrics.scopeMetrics.filter((s) => scopes.has(s.scope.name)) };
    const processed = processor.process(own);
    if (processed.scopeMetrics.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    void Promise.all(
      exporters.map((exporter) => new Promise<ExportResult>((resolve) => exporter.export(processed, resolve))),
    ).then((results) => resultCallback(results.find((r) => r.code !== ExportResultCode.SUCCESS) ?? results[0]!));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#options.exporters.map((e) => e.forceFlush()));
  }

  async shutdown(): Promise<void> {
    // Exporters may be shared between pipelines: the Agent shuts each down once, after every reader.
  }

  selectAggregationTemporality(): AggregationTemporality {
    return this.#options.temporality ?? AggregationTemporality.CUMULATIVE;
  }
}
