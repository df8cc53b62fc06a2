import type { Meter } from '@opentelemetry/api';
import { DEFAULT_POLICY } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Component } from '../component/component.js';
import type { Logger } from '../component/logger.js';
import type { ReceiverConfig } from '../config/types.js';
import { HostMetricsReceiver } from './hostmetrics/host-metrics-receiver.js';
import { createAppLevelReceiver } from './applevel/create-applevel-receiver.js';
import { buildProbeReceiver } from './probes/build-probe-receiver.js';
import type { ConsumeMetrics } from './otlp/otlp-receiver.js';

export interface ReceiverContext {
  meter: Meter;
  clock: Clock;
  logger: Logger;
  agentStartMillis: number;
  /** Where a push receiver (otlp) hands what it receives, by receiver id. */
  consumerFor: (receiverId: string) => ConsumeMetrics;
}

/**
 * The receiver factory: one place that maps a `receivers:` entry to a component. The OTLP receiver (and the
 * protobuf schema it decodes with) is loaded only when one is configured: an idle agent does not carry it.
 */
export async function buildReceiver(id: string, config: ReceiverConfig, context: ReceiverContext): Promise<Component> {
  switch (config.type) {
    case 'hostmetrics':
      return new HostMetricsReceiver({
        meter: context.meter,
        metrics: DEFAULT_POLICY.metrics,
        intervalMillis: config.collectionIntervalMillis,
        clock: context.clock,
        logger: context.logger,
        agentStartMillis: context.agentStartMillis,
        rootPath: config.rootPath,
      });
    case 'applevel':
      return createAppLevelReceiver(config, { id, meter: context.meter, clock: context.clock, logger: context.logger });
    case 'redis':
    case 'postgresql':
    case 'neo4j':
    case 'httpcheck':
    case 'tcpcheck':
      return buildProbeReceiver(id, config, context);
    case 'otlp': {
      const { buildOtlpReceiver } = await import('./otlp/build-otlp-receiver.js');
      return buildOtlpReceiver(id, config, {
        consume: context.consumerFor(id),
        logger: context.logger,
        clock: context.clock,
      });
    }
    default: {
      const unknown: never = config;
      throw new Error(`receiver ${id}: type ${(unknown as { type: string }).type} has no factory`);
    }
  }
}
