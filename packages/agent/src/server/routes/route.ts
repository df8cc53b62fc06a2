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
  /**
   * True for `/api/*`: the request must carry `Authorization: Bearer <token>`. False for /healthz and /metrics
   * (scrapers have no token) and for the page and its static files (they hold no data); the Host check applies
   * to all.
   */
  session: boolean;
  handle(context: RouteContext): Promise<void>;
}
