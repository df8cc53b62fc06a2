import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Logger } from '../component/logger.js';
import { formatConfigPath } from '../config/config-path.js';
import { PrismError } from '../errors.js';
import { PrometheusPullServer } from '../server/prometheus-pull-server.js';
import type { OtelConfig, OtelPrometheusSettings } from './types.js';

export interface PrometheusServersContext {
  /** `Agent.scrape`: the metrics now, after the privacy policy at the configured level (the dashboard's /metrics). */
  scrape(): Promise<ResourceMetrics | undefined>;
  logger: Logger;
  /** The port the dashboard is bound to, if it runs: it serves /metrics already. */
  dashboardPort?: number | undefined;
  /** Where the agent's OTLP receivers listen, e.g. `http://127.0.0.1:4318`. */
  ownListeners?: readonly string[];
}

/**
 * Starts one `/metrics` endpoint per pull reader of the file. Throws PT_ERR_OTEL_CONFIG, naming the reader's
 * `port` or `host`, when the port is the dashboard's or a receiver's, or cannot be bound; the endpoints it had
 * started by then are shut down first, so a refusal leaves nothing listening.
 */
export async function startPrometheusServers(
  config: OtelConfig,
  context: PrometheusServersContext,
): Promise<PrometheusPullServer[]> {
  for (const reader of config.prometheus) checkPortIsFree(config.source, reader, context);
  const started: PrometheusPullServer[] = [];
  try {
    for (const reader of config.prometheus) {
      const server = new PrometheusPullServer({
        host: reader.host,
        port: reader.port,
        scrape: () => context.scrape(),
        logger: context.logger,
      });
      try {
        await server.start();
      } catch (error) {
        throw listenError(config.source, reader, error);
      }
      started.push(server);
      context.logger.info('prometheus: serving /metrics', { url: server.url, reader: reader.path });
    }
  } catch (error) {
    for (const server of started) await server.shutdown();
    throw error;
  }
  return started;
}

const keyOf = (reader: OtelPrometheusSettings, key: 'host' | 'port'): string =>
  `${reader.path}.${formatConfigPath(['pull', 'exporter', 'prometheus/development', key])}`;

function checkPortIsFree(source: string, reader: OtelPrometheusSettings, context: PrometheusServersContext): void {
  if (reader.port === 0) return;
  if (reader.port === context.dashboardPort) {
    throw new PrismError(
      'PT_ERR_OTEL_CONFIG',
      `${source}: ${keyOf(reader, 'port')}: ${reader.port} is the dashboard's own port, which serves /metrics already`,
      {
        hint:
          `write another port (9464 is the usual one), or remove this reader and scrape ` +
          `http://127.0.0.1:${reader.port}/metrics`,
      },
    );
  }
  const receiver = (context.ownListeners ?? []).find((url) => portOf(url) === reader.port);
  if (receiver !== undefined) {
    throw new PrismError(
      'PT_ERR_OTEL_CONFIG',
      `${source}: ${keyOf(reader, 'port')}: ${reader.port} is the port of this agent's own OTLP receiver`,
      { hint: 'write another port (9464 is the usual one)' },
    );
  }
}

function portOf(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  } catch {
    return undefined;
  }
}

function listenError(source: string, reader: OtelPrometheusSettings, error: unknown): PrismError {
  const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'unknown');
  const host = reader.host.includes(':') ? `[${reader.host}]` : reader.host;
  const inUse = code === 'EADDRINUSE';
  return new PrismError(
    'PT_ERR_OTEL_CONFIG',
    `${source}: ${keyOf(reader, inUse ? 'port' : 'host')}: cannot listen on ${host}:${reader.port} (${code})`,
    {
      hint: inUse
        ? 'another program uses the port (another agent?): write a free port'
        : 'write an address of this machine, or leave host out (localhost: only this machine can scrape)',
      cause: error,
    },
  );
}
