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

/**
 * The factory for the exporters that stay on this machine. `otlphttp` (sharing) exporters are built by
 * `buildPipelines`, behind the consent gate and the durable queue.
 */
export function buildExporter(
  config: Exclude<ExporterConfig, { type: 'otlphttp' }>,
  context: ExporterContext,
): PushMetricExporter {
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
  }
}
