import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import { CommandNotifier } from '../../alerts/notifiers/command.js';
import type { AlertNotifier } from '../../alerts/notifiers/notifier.js';
import { WebhookNotifier } from '../../alerts/notifiers/webhook.js';
import type { AlertsExporterConfig } from '../../config/alerts-schema.js';
import { AlertsExporter } from './alerts-exporter.js';

export interface AlertsExporterContext {
  dataDir: string;
  clock: Clock;
  logger: Logger;
}

/** The `alerts` entry of `exporters:` as a component. */
export function createAlertsExporter(config: AlertsExporterConfig, context: AlertsExporterContext): AlertsExporter {
  const notifiers: AlertNotifier[] = [];
  if (config.command) notifiers.push(new CommandNotifier(config.command));
  if (config.webhook) notifiers.push(new WebhookNotifier(config.webhook));
  return new AlertsExporter({
    dataDir: context.dataDir,
    rules: config.rules,
    clock: context.clock,
    logger: context.logger,
    notifiers,
  });
}
