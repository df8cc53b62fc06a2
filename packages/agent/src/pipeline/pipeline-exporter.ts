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
    const { scopes } = this.#options;
    const own = { ...metrics, scopeMetrics: metrics.scopeMetrics.filter((s) => scopes.has(s.scope.name)) };
    this.#forward(own, (result) => resultCallback(result));
  }

  /**
   * Data that arrived already aggregated (OTLP from an app or a Collector): it enters the pipeline after
   * the MeterProvider, so it skips the scope filter but not the privacy processor.
   */
  consume(metrics: ResourceMetrics): Promise<{ result: ExportResult; rejectedDataPoints: number }> {
    return new Promise((resolve) => {
      this.#forward(metrics, (result, rejectedDataPoints) => resolve({ result, rejectedDataPoints }));
    });
  }

  /** Calls back with the export result and the data points the privacy policy rejected outright. */
  #forward(metrics: ResourceMetrics, resultCallback: (result: ExportResult, rejectedDataPoints: number) => void): void {
    const { processor, exporters, isOpen } = this.#options;
    if (isOpen && !isOpen()) {
      resultCallback({ code: ExportResultCode.SUCCESS }, 0);
      return;
    }
    const { output: processed, rejectedDataPoints } = processor.processCounting(metrics);
    if (processed.scopeMetrics.length === 0 || exporters.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS }, rejectedDataPoints);
      return;
    }
    void Promise.all(
      exporters.map(
        (exporter) =>
          new Promise<ExportResult>((resolve) => {
            try {
              exporter.export(processed, resolve);
            } catch (error) {
              // An exporter that throws instead of reporting fails its part; the others still run.
              resolve({
                code: ExportResultCode.FAILED,
                error: error instanceof Error ? error : new Error(String(error)),
              });
            }
          }),
      ),
    ).then((results) =>
      resultCallback(results.find((r) => r.code !== ExportResultCode.SUCCESS) ?? results[0]!, rejectedDataPoints),
    );
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
