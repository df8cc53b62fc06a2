import { MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** A pull reader: collects when `/metrics` is scraped, never on a timer. Cumulative, as Prometheus expects. */
export class ScrapeReader extends MetricReader {
  /** The provider's metrics now; errors of single callbacks are dropped (the rest is still worth showing). */
  async scrape(): Promise<ResourceMetrics> {
    return (await this.collect()).resourceMetrics;
  }

  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
