import type { Logger } from '../component/logger.js';
import type { DashboardConfig } from '../config/dashboard-schema.js';
import { PrismError } from '../errors.js';
import type { DashboardBackend } from './dashboard-backend.js';
import { removeDashboardFile, writeDashboardFile } from './dashboard-file.js';
import { DashboardServer } from './dashboard-server.js';

export interface RunningDashboard {
  url: string;
  shutdown(): Promise<void>;
}

/**
 * Starts the dashboard of a running agent and records its URL in `<data-dir>/dashboard.json`. A port already
 * taken is not worth stopping the collection for: the agent logs PT_ERR_DASHBOARD_LISTEN with the fix and runs
 * without a dashboard. Anything else is thrown.
 */
export async function startAgentDashboard(
  config: DashboardConfig,
  backend: DashboardBackend,
  logger: Logger,
): Promise<RunningDashboard | undefined> {
  if (!config.enabled) return undefined;
  const server = new DashboardServer({ host: config.host, port: config.port, backend, logger });
  try {
    await server.start();
  } catch (error) {
    if (!(error instanceof PrismError) || error.code !== 'PT_ERR_DASHBOARD_LISTEN') throw error;
    logger.error(`${error.code}: ${error.message}; the agent runs without a dashboard`, { hint: error.hint ?? '' });
    return undefined;
  }
  const url = server.url;
  await writeDashboardFile(backend.dataDir, {
    url,
    pid: process.pid,
    startedAt: new Date(backend.startedAtMillis).toISOString(),
    bound: (({ address, family, port }) => ({ address, family, port }))(server.boundAddress()),
  });
  logger.info('dashboard listening', { url: url.replace(/#.*$/, '#token=…') });
  return {
    url,
    async shutdown() {
      await server.shutdown();
      await removeDashboardFile(backend.dataDir).catch(() => undefined);
    },
  };
}
