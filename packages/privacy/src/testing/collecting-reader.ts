import { MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** A real MetricReader that collects on demand: tests read exactly what an exporter would receive. */
export class CollectingReader extends MetricReader {
  async collectOnce(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics;
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
