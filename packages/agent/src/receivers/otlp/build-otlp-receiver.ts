import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import type { OtlpReceiverConfig } from '../../config/otlp-schema.js';
import { OtlpReceiver, type ConsumeMetrics } from './otlp-receiver.js';

export interface OtlpReceiverContext {
  /** Where received data goes: the privacy processor and the pipelines' exporters. */
  consume: ConsumeMetrics;
  logger: Logger;
  clock?: Pick<Clock, 'now'>;
}

/** The `receivers: otlp[/name]` factory. */
export function buildOtlpReceiver(id: string, config: OtlpReceiverConfig, context: OtlpReceiverContext): OtlpReceiver {
  return new OtlpReceiver({
    id,
    host: config.host,
    port: config.port,
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    maxConcurrentRequests: config.maxConcurrentRequests,
    maxPointsPerSecond: config.maxPointsPerSecond,
    headerTimeoutMillis: config.headerTimeoutMillis,
    idleTimeoutMillis: config.idleTimeoutMillis,
    consume: context.consume,
    logger: context.logger,
    ...(context.clock ? { clock: context.clock } : {}),
  });
}
