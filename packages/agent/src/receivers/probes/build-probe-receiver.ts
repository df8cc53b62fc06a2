import type { Meter } from '@opentelemetry/api';
import { DEFAULT_POLICY } from '@prism-telemetry/privacy';
import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import { httpProbe } from './http-probe.js';
import type { ProbeReceiverConfig } from './probe-config.js';
import { neo4jProbe } from './neo4j-probe.js';
import { postgresqlProbe } from './postgresql-probe.js';
import { ProbeReceiver, type Probe, type ProbeMetricRule, type ServiceType } from './probe-receiver.js';
import { redisProbe } from './redis-probe.js';
import { tcpProbe } from './tcp-probe.js';

export interface ProbeReceiverDependencies {
  meter: Meter;
  clock: Clock;
  logger: Logger;
  /** Default: the privacy policy's metrics. */
  metrics?: readonly ProbeMetricRule[];
}

/** The user-given name of a receiver id: `cache` for `redis/cache`, the type for a bare `redis`. */
export function serviceNameOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(slash + 1);
}

function probeFor(config: ProbeReceiverConfig): { type: ServiceType; probe: Probe } {
  switch (config.type) {
    case 'redis':
      return { type: 'redis', probe: redisProbe(config.url) };
    case 'postgresql':
      return { type: 'postgresql', probe: postgresqlProbe(config.endpoint) };
    case 'neo4j':
      return {
        type: 'neo4j',
        probe: neo4jProbe({
          host: config.host,
          port: config.port,
          ...(config.tls ? { tls: config.tls } : {}),
          ...(config.username === undefined ? {} : { username: config.username }),
          ...(config.password === undefined ? {} : { password: config.password }),
        }),
      };
    case 'httpcheck':
      return { type: 'http', probe: httpProbe(config.endpoint, config.expectedStatus) };
    case 'tcpcheck':
      return { type: 'tcp', probe: tcpProbe({ host: config.host, port: config.port }) };
  }
}

/** The receiver for one probe entry of the config (`redis/cache`, `httpcheck/api`, …). */
export function buildProbeReceiver(
  id: string,
  config: ProbeReceiverConfig,
  dependencies: ProbeReceiverDependencies,
): ProbeReceiver {
  return new ProbeReceiver({
    meter: dependencies.meter,
    metrics: dependencies.metrics ?? DEFAULT_POLICY.metrics,
    service: serviceNameOf(id),
    ...probeFor(config),
    intervalMillis: config.collectionIntervalMillis,
    timeoutMillis: config.timeoutMillis,
    ...(config.latencyThresholdMillis === undefined ? {} : { latencyThresholdMillis: config.latencyThresholdMillis }),
    clock: dependencies.clock,
    logger: dependencies.logger,
  });
}
