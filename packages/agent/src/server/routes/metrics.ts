import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from '../prometheus-text.js';
import type { Route } from './route.js';

/**
 * `/metrics`: the agent's metrics now, after the privacy policy at the configured level, exactly what the files
 * get. Nothing in mode off (the files get nothing either). No session: scrapers have none; the Host check holds.
 */
export const metricsRoute: Route = {
  method: 'GET',
  session: false,
  async handle({ res, backend }) {
    const body = toPrometheusText(await backend.scrape());
    res.writeHead(200, {
      'Content-Type': PROMETHEUS_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  },
};
