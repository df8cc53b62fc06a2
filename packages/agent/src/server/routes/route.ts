import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardBackend } from '../dashboard-backend.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  backend: DashboardBackend;
  /** The parsed JSON body of a POST (already checked: origin, content type, size). */
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST';
  /** False for /healthz and /metrics: scrapers have no session (the Host check still applies). */
  session: boolean;
  handle(context: RouteContext): Promise<void>;
}
