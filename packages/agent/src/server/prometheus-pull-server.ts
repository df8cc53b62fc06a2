import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Component } from '../component/component.js';
import type { Logger } from '../component/logger.js';
import { isLoopbackAddress, listenHardened, type HardenedServer } from './http/loopback-server.js';
import { sendText } from './http/respond.js';
import { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './prometheus-text.js';
import { allowedHosts, isAllowedHost, isWildcard } from './security/host-allowlist.js';
import { setSecurityHeaders } from './security/headers.js';

export interface PrometheusPullServerOptions {
  /** Without brackets for IPv6; `localhost` is the caller's to map (to 127.0.0.1). */
  host: string;
  /** 0: any free port. */
  port: number;
  /** The agent's metrics now, after the privacy policy (`Agent.scrape`); undefined while nothing is collected. */
  scrape(): Promise<ResourceMetrics | undefined>;
  logger: Logger;
  /** Slow-loris limits: the headers, then the whole request, must arrive within these. */
  headersTimeoutMillis?: number;
  requestTimeoutMillis?: number;
  maxConnections?: number;
}

const MAX_CONNECTIONS = 16;
const TEXT = 'text/plain; charset=utf-8';

/**
 * A Prometheus scrape endpoint of its own: `GET /metrics` and nothing else, the same text as the dashboard's
 * `/metrics`. No token (scrapers have none), so the Host allow-list is what keeps DNS-rebinding pages out; no
 * CORS header, so no other site's script can read an answer. Bodies are fixed text: nothing is echoed.
 */
export class PrometheusPullServer implements Component {
  readonly #options: PrometheusPullServerOptions;
  #server: HardenedServer | undefined;
  #hosts: ReadonlySet<string> = new Set();
  #port = 0;
  #stopping: Promise<void> | undefined;

  constructor(options: PrometheusPullServerOptions) {
    this.#options = options;
  }

  /** The address to scrape, e.g. `http://127.0.0.1:9464/metrics`. */
  get url(): string {
    const { host } = this.#options;
    const shown = isWildcard(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.#port}/metrics`;
  }

  /** The address the socket is bound to (for the test that it is loopback only). */
  boundAddress(): AddressInfo {
    const address = this.#server?.address();
    if (!address) throw new Error('the Prometheus endpoint is not listening');
    return address;
  }

  /** Rejects with the listen error (`EADDRINUSE`, `EADDRNOTAVAIL`, ...) as Node gives it; the caller names the key. */
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
    });
    this.#server = server;
    this.#port = server.port;
    this.#hosts = allowedHosts(this.#port, host);
    if (!isLoopbackAddress(host)) {
      logger.warn(
        'PROMETHEUS ENDPOINT IS NOT LOOPBACK-ONLY: the --otel-config file set a non-loopback host; anyone who can reach it can read the metrics (scrapes need no token)',
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
      res.setHeader('Connection', 'close');
      sendText(res, 403, TEXT, 'forbidden: scrape this endpoint by the address it listens on (Host header)\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/metrics') {
      sendText(res, 404, TEXT, 'not found: this endpoint serves GET /metrics only\n');
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      res.setHeader('Connection', 'close');
      sendText(res, 405, TEXT, 'method not allowed: GET /metrics only\n');
      return;
    }
    sendText(res, 200, PROMETHEUS_CONTENT_TYPE, toPrometheusText(await this.#options.scrape()));
  }

  #failed(res: ServerResponse, error: unknown): void {
    // The name only: a message could carry a path or a value.
    this.#options.logger.error('prometheus: a scrape failed', {
      error: (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'unknown'),
    });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendText(res, 500, TEXT, 'the agent could not collect its metrics; see the agent log\n');
  }
}
