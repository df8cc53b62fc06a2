import { buildCharts } from '../data/charts.js';
import { sendError, sendJson } from '../http/respond.js';
import type { Route } from './route.js';

export const MAX_CHART_HOURS = 2160;

export const chartsRoute: Route = {
  method: 'GET',
  session: true,
  async handle({ res, url, backend }) {
    const raw = url.searchParams.get('hours') ?? '24';
    const hours = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    if (!(hours >= 1 && hours <= MAX_CHART_HOURS)) {
      sendError(res, 400, 'PT_ERR_DASHBOARD_REQUEST', `hours must be a whole number from 1 to ${MAX_CHART_HOURS}`);
      return;
    }
    sendJson(res, 200, await buildCharts(backend.dataDir, { nowMillis: backend.clock.now(), hours }));
  },
};
