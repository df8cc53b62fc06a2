import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ConsumeMetrics } from './otlp-receiver.js';

/** A pipeline's entry for data that arrives already aggregated (the agent's PipelineExporter has `consume`). */
export interface PipelineEntry {
  consume(metrics: ResourceMetrics): Promise<{ result: ExportResult; rejectedDataPoints: number }>;
}

/** The receiver's answer when a pipeline's exporter failed: 503 with Retry-After, so the sender retries. */
export class PipelineExportError extends Error {
  constructor() {
    super('a pipeline exporter failed');
    this.name = 'PipelineExportError';
  }
}

/**
 * An OTLP receiver's `consume`: every pipeline that lists the receiver gets the data. A point counts as
 * rejected only when every pipeline's privacy policy refused it (one pipeline storing it is acceptance), so the
 * smallest count is reported. Pipelines run one after another: their exporters may share files.
 */
export function consumeIntoPipelines(entries: readonly PipelineEntry[]): ConsumeMetrics {
  return async (metrics) => {
    let rejected: number | undefined;
    let failed = false;
    for (const entry of entries) {
      const { result, rejectedDataPoints } = await entry.consume(metrics);
      if (result.code !== ExportResultCode.SUCCESS) failed = true;
      rejected = Math.min(rejected ?? rejectedDataPoints, rejectedDataPoints);
    }
    if (failed) throw new PipelineExportError();
    return { rejectedDataPoints: rejected ?? 0 };
  };
}
