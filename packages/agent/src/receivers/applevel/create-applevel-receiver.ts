import type { Meter } from '@opentelemetry/api';
import { DEFAULT_POLICY } from '@prism-telemetry/privacy';
import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import type { ApplevelReceiverConfig } from '../../config/applevel-schema.js';
import { AppLevelReceiver } from './applevel-receiver.js';

export interface AppLevelReceiverContext {
  /** The config id, e.g. `applevel/mainza`, for log lines. */
  id: string;
  meter: Meter;
  clock: Clock;
  logger: Logger;
}

/** The `applevel` entry of `receivers:` as a component. */
export function createAppLevelReceiver(
  config: ApplevelReceiverConfig,
  context: AppLevelReceiverContext,
): AppLevelReceiver {
  return new AppLevelReceiver({
    meter: context.meter,
    metrics: DEFAULT_POLICY.metrics,
    id: context.id,
    endpoint: config.endpoint,
    jsonPath: config.jsonPath,
    intervalMillis: config.collectionIntervalMillis,
    timeoutMillis: config.timeoutMillis,
    windowMillis: config.windowMillis,
    deadBandPerHour: config.deadBandPerHour,
    stalenessMillis: config.stalenessMillis,
    clock: context.clock,
    logger: context.logger,
  });
}
