import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { PolicyAtLevel } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import type { ExporterConfig } from '../config/types.js';
import { FileExporter } from '../exporters/file/file-exporter.js';
import { createAlertsExporter } from '../exporters/alerts/create-alerts-exporter.js';

export interface ExporterContext {
  dataDir: string;
  policy: PolicyAtLevel;
  clock: Clock;
  logger: Logger;
}

/** The exporter factory: one place that maps an `exporters:` entry to a component. */
export function buildExporter(config: ExporterConfig, context: ExporterContext): PushMetricExporter {
  switch (config.type) {
    case 'file':
      return new FileExporter({
        dataDir: context.dataDir,
        categoryOf: (name) => context.policy.categoryOf(name),
        clock: context.clock,
        logger: context.logger,
      });
    case 'alerts':
      return createAlertsExporter(config, context);
    case 'otlphttp':
      // Until consent receipts and the durable queue land, config validation only lets this through when
      // `telemetry.sharing.enabled` is true.
      return new OTLPMetricExporter({
        url: config.endpoint,
        headers: config.headers,
        timeoutMillis: config.timeoutMillis,
      });
  }
}
