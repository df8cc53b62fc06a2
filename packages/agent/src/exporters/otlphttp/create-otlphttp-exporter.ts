import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import type { OtlpHttpExporterConfig } from '../../config/types.js';
import { destinationOf } from '../../outbound/outbound-log.js';
import { exporterQueueDir } from '../../state/queue-purge.js';
import type { OutboundAttempt } from '../../state/types.js';
import { AGENT_VERSION } from '../../version.js';
import { QueuedExporter } from './queued-exporter.js';
import { createHttpSender } from './sender/http-sender.js';

export interface OtlpHttpExporterContext {
  dataDir: string;
  /** The install's anonymous id (see outbound/cluster-id.ts), sent with every request. */
  clusterId: string;
  /** Asked before every request. */
  gate: () => { allowed: boolean; reason: string };
  recordAttempt(attempt: OutboundAttempt): Promise<void>;
  env: Record<string, string | undefined>;
  clock: Clock;
  random?: () => number;
  logger: Logger;
}

/**
 * An `otlphttp` exporter: the durable queue in the data directory, and the HTTP sender to the consented
 * endpoint. Opening recovers what a previous run left queued; `start()` begins sending.
 */
export async function openOtlpHttpExporter(
  id: string,
  config: OtlpHttpExporterConfig,
  context: OtlpHttpExporterContext,
): Promise<QueuedExporter> {
  const apiKey = config.apiKey ?? context.env['PRISM_TELEMETRY_API_KEY'];
  const sender = createHttpSender({
    url: config.endpoint,
    encoding: config.encoding,
    compression: config.compression,
    ...(apiKey ? { apiKey } : {}),
    headers: config.headers,
    ...(config.caFile ? { caFile: config.caFile, caFileConfigKey: `exporters.${id}.tls.ca_file` } : {}),
    timeoutMillis: config.timeoutMillis,
    clusterId: context.clusterId,
    userAgent: `prism-telemetry/${AGENT_VERSION}`,
    clock: context.clock,
    logger: context.logger,
  });
  return QueuedExporter.open({
    dir: exporterQueueDir(context.dataDir, id),
    maxBytes: config.queue.maxBytes,
    maxAgeMillis: config.queue.maxAgeMillis,
    sender,
    gate: context.gate,
    batchRecords: config.queue.batchRecords,
    flushIntervalMillis: config.queue.flushIntervalMillis,
    retry: config.retry,
    clock: context.clock,
    random: context.random ?? Math.random,
    destination: destinationOf(config.endpoint),
    recordAttempt: (attempt) => context.recordAttempt(attempt),
    logger: context.logger,
  });
}
