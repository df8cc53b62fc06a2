import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Component } from '../component/component.js';
import type { Logger } from '../component/logger.js';
import { PrismError } from '../errors.js';
import type { DashboardBackend } from './dashboard-backend.js';
import { readJsonBody } from './http/json-body.js';
import { isLoopbackAddress, listenHardened, type HardenedServer } from './http/loopback-server.js';
import { sendError } from './http/respond.js';
import { overviewRoute } from './routes/api-overview.js';
import { chartsRoute } from './routes/api-charts.js';
import { collectedRoute } from './routes/api-collected.js';
import { deleteRoute } from './routes/api-delete.js';
import { exportRoute } from './routes/api-export.js';
import { modeRoute } from './routes/api-mode.js';
import { healthzRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import type { Route } from './routes/route.js';
import { DEFAULT_DASHBOARD_DIR, STATIC_FILES, staticRoute } from './routes/static.js';
import { allowedHosts, isAllowedHost, isWildcard } from './security/host-allowlist.js';
import { allowedOrigins, isAllowedOrigin } from './security/origin-check.js';
import { setSecurityHeaders } from './security/headers.js';
import { dashboardUrl, hasValidBearer, newSessionToken } from './security/session-token.js';

export interface DashboardServerOptions {
  /** Without brackets for IPv6. */
  host: string;
  /** 0: any free port. */
  port: number;
  backend: DashboardBackend;
  logger: Logger;
  /** This launch's token; default: 32 fresh random bytes. */
  token?: string;
  /** Where index.html, app.js and app.css are; default `packages/agent/dashboard/`. */
  dashboardDir?: string;
  /** Slow-loris limits: the headers, then the whole request, must arrive within these. */
  headersTimeoutMillis?: number;
  requestTimeoutMillis?: number;
  maxConnections?: number;
}

const MAX_CONNECTIONS = 64;

/**
 * The agent's one local HTTP server: the dashboard, its JSON API, `/metrics` and `/healthz`. Every request
 * passes the Host allow-list first (DNS rebinding). The page and its static files hold no data and are served
 * to anyone who passes it; every `/api/*` route needs this launch's token as `Authorization: Bearer` (the page
 * reads it from the URL's fragment and keeps it in sessionStorage). No cookie is set or read: cookies are shared
 * by every port of 127.0.0.1, so any local web server the browser visits would receive one. State changes are
 * POSTs with a JSON body from the dashboard's own origin. `/metrics` and `/healthz` need no token.
 */
export class DashboardServer implements Component {
  readonly #options: DashboardServerOptions;
  readonly #token: string;
  readonly #routes: Map<string, Route>;
  #server: HardenedServer | undefined;
  #hosts: ReadonlySet<string> = new Set();
  #origins: ReadonlySet<string> = new Set();
  #port = 0;
  #stopping: Promise<void> | undefined;

  constructor(options: DashboardServerOptions) {
    this.#options = options;
    this.#token = options.token ?? newSessionToken();
    const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
    this.#routes = new Map<string, Route>([
      ['/healthz', healthzRoute],
      ['/metrics', metricsRoute],
      ['/api/overview', overviewRoute],
      ['/api/charts', chartsRoute],
      ['/api/collected', collectedRoute],
      ['/api/mode', modeRoute],
      ['/api/delete', deleteRoute],
      ['/api/export', exportRoute],
      ...[...STATIC_FILES].map(([p, entry]): [string, Route] => [p, staticRoute(entry, dashboardDir)]),
    ]);
  }

  /** The URL to open, with this launch's token in its fragment (`http://127.0.0.1:P/#token=T`). */
  get url(): string {
    const { host } = this.#options;
    const shown = host === '::1' ? '[::1]' : isWildcard(host) || host === 'localhost' ? '127.0.0.1' : host;
    const bracketed = shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown;
    return dashboardUrl(`http://${bracketed}:${this.#port}`, this.#token);
  }

  /** The address the socket is bound to (for the test that it is loopback only). */
  boundAddress(): AddressInfo {
    const address = this.#server?.address();
    if (!address) throw new Error('the dashboard is not listening');
    return address;
  }

  async start(): Promise<void> {
    if (this.#server || this.#stopping) return;
    const { host, port, logger } = this.#options;
    const server = await listenHardened({
      host,
      port,
      headersTimeoutMillis: this.#options.headersTimeoutMillis,
      requestTimeoutMillis: this.#options.requestTimeoutMillis,
      maxConnections: this.#options.maxConnections ?? MAX_CONNECTIONS,
      onRequest: (req, res) => {
        this.#handle(req, res).catch((error: unknown) => this.#failed(res, error));
      },
      onListenError: (error) =>
        new PrismError(
          'PT_ERR_DASHBOARD_LISTEN',
          `the dashboard cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port} (${error.code ?? error.name})`,
          {
            hint:
              error.code === 'EADDRINUSE'
                ? 'another program uses the port: set telemetry.dashboard.endpoint to a free one, e.g. 127.0.0.1:8081 (or enabled: false)'
                : 'set telemetry.dashboard.endpoint to an address of this machine, e.g. 127.0.0.1:8080',
            cause: error,
          },
        ),
    });
    this.#server = server;
    this.#port = server.port;
    this.#hosts = allowedHosts(this.#port, host);
    this.#origins = allowedOrigins(this.#port);
    if (host !== 'localhost' && !isLoopbackAddress(host)) {
      logger.warn(
        'DASHBOARD IS NOT LOOPBACK-ONLY: telemetry.dashboard.endpoint was set to a non-loopback address; anyone who can reach it may try the dashboard (it still needs the token)',
        { endpoint: server.endpoint },
      );
    }
  }

  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    await this.#server?.close();
    this.#server = undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (!isAllowedHost(req.headers.host, this.#hosts)) {
      sendError(
        res,
        403,
        'PT_ERR_DASHBOARD_FORBIDDEN',
        'this server only answers to 127.0.0.1, localhost and [::1] with its own port',
        'open the URL `prism-telemetry dashboard` prints',
        { Connection: 'close' },
      );
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = this.#routes.get(url.pathname);
    const { backend } = this.#options;

    // The API needs the bearer token; an unknown /api/ path too, so that without it nothing tells what exists.
    const needsToken = route ? route.session : url.pathname.startsWith('/api/');
    if (needsToken && !hasValidBearer(req.headers.authorization, this.#token)) {
      sendError(
        res,
        401,
        'PT_ERR_DASHBOARD_UNAUTHORIZED',
        'no valid access token: `Authorization: Bearer` is missing, or its token belongs to an earlier run of the agent',
        'run `prism-telemetry dashboard` and open the URL it prints',
        { 'WWW-Authenticate': 'Bearer realm="prism-telemetry"' },
      );
      return;
    }
    // Browsers say where a request comes from. Another site, or another port of this machine (the same
    // "site"), gets nothing from the API and the static files, not even the work of answering.
    const fetchSite = req.headers['sec-fetch-site'];
    if (url.pathname !== '/' && fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
      sendError(
        res,
        403,
        'PT_ERR_DASHBOARD_FORBIDDEN',
        'requests from other sites are refused (Sec-Fetch-Site)',
        'open the URL `prism-telemetry dashboard` prints',
        { Connection: 'close' },
      );
      return;
    }
    if (!route) {
      sendError(res, 404, 'PT_ERR_DASHBOARD_REQUEST', 'no such page or API route');
      return;
    }
    if (req.method !== route.method) {
      sendError(res, 405, 'PT_ERR_DASHBOARD_REQUEST', `this route only accepts ${route.method}`, undefined, {
        Allow: route.method,
        Connection: 'close',
      });
      return;
    }
    let body: unknown;
    if (route.method === 'POST') {
      if (!isAllowedOrigin(req.headers.origin, this.#origins)) {
        sendError(
          res,
          403,
          'PT_ERR_DASHBOARD_FORBIDDEN',
          'changes are only accepted from the dashboard page itself (Origin header)',
          `send Origin: http://127.0.0.1:${this.#port}`,
          { Connection: 'close' },
        );
        return;
      }
      const read = await readJsonBody(req);
      if (!read.ok) {
        sendError(res, read.status, 'PT_ERR_DASHBOARD_REQUEST', read.message, undefined, { Connection: 'close' });
        return;
      }
      body = read.value;
    }
    await route.handle({ req, res, url, backend, body });
  }

  #failed(res: ServerResponse, error: unknown): void {
    const code = error instanceof PrismError ? error.code : 'PT_ERR_DATA_DIR';
    this.#options.logger.error('dashboard: a request failed', {
      code,
      error: (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'unknown'),
    });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(
      res,
      500,
      code,
      'the agent could not answer this request',
      error instanceof PrismError ? error.hint : 'see the agent log',
    );
  }
}
