import { readAlertEvents } from '../../alerts/store.js';
import { effectiveJson } from '../../cli/commands/mode.js';
import { destinationOf } from '../../outbound/outbound-log.js';
import { readState } from '../../state/telemetry-state.js';
import { firstOtlpHttpEndpoint, sharingExporterView } from '../../state/sharing-consent.js';
import { displayPath } from '../../store/display-path.js';
import { AGENT_VERSION } from '../../version.js';
import { criticalErrorsSince } from '../data/charts.js';
import { alertsOverview, overallStatus, servicesOverview } from '../data/overview.js';
import { sendJson } from '../http/respond.js';
import type { Route } from './route.js';

const DAY_MILLIS = 86_400_000;
/** Far enough back to find when an alert still firing started. */
const ALERT_LOOKBACK_MILLIS = 7 * DAY_MILLIS;

export const overviewRoute: Route = {
  method: 'GET',
  session: true,
  async handle({ res, backend }) {
    const now = backend.clock.now();
    const { config, dataDir } = backend;
    const services = servicesOverview(config, await backend.scrape());
    const events = (await readAlertEvents(dataDir, { sinceMillis: now - ALERT_LOOKBACK_MILLIS })).events;
    const { state } = await readState(dataDir);
    const configured = firstOtlpHttpEndpoint(config);
    const effective = backend.mode();
    sendJson(res, 200, {
      agent: {
        version: AGENT_VERSION,
        startedAt: new Date(backend.startedAtMillis).toISOString(),
        uptimeSeconds: Math.max(0, Math.floor((now - backend.startedAtMillis) / 1000)),
        dataDir: displayPath(dataDir, backend.homedir),
      },
      mode: effectiveJson(effective),
      level: config.telemetry.privacyLevel,
      status: overallStatus(backend.systemStatus(), services),
      services,
      errors: { last24h: await criticalErrorsSince(dataDir, now - DAY_MILLIS, now) },
      alerts: alertsOverview(events, now - DAY_MILLIS),
      sharing: {
        configured: configured !== undefined,
        endpoint: state.consent?.endpoint ?? (configured === undefined ? null : destinationOf(configured)),
        level: state.consent?.level ?? null,
        exporters: backend
          .sharingQueues()
          .map((q) => ({ ...sharingExporterView(q, effective, state.consent), queue: q.stats })),
      },
    });
  },
};
