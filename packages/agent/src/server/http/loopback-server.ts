import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HardenedServerOptions {
  /** Without brackets for IPv6. */
  host: string;
  /** 0: any free port. */
  port: number;
  /**
   * Slow-loris limits: the headers, then the whole request, must arrive within these; default 10 s and 30 s.
   * The request limit is never shorter than the headers one.
   */
  headersTimeoutMillis?: number;
  requestTimeoutMillis?: number;
  /** Connections open at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** What a failed listen rejects with; default the error as Node gives it (`EADDRINUSE`, `EADDRNOTAVAIL`, ...). */
  onListenError?: (error: NodeJS.ErrnoException) => Error;
}

export interface HardenedServer {
  /** The port bound; with port 0, the one the system picked. */
  readonly port: number;
  /** `host:port` with IPv6 in brackets, as the user would write the endpoint. */
  readonly endpoint: string;
  /** The bound socket; undefined once closed. */
  address(): AddressInfo | undefined;
  /** Stops accepting and ends every connection, idle keep-alive ones and requests in progress alike. Safe twice. */
  close(): Promise<void>;
}

const HEADERS_TIMEOUT_MILLIS = 10_000;
const REQUEST_TIMEOUT_MILLIS = 30_000;
const KEEP_ALIVE_MILLIS = 5_000;
const MAX_HEADER_BYTES = 16 * 1024;

/** `::1` or `127.x.y.z`: only this machine can connect. Names (`localhost`) are the caller's to judge. */
export const isLoopbackAddress = (host: string): boolean => host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The agent's own small HTTP servers (the dashboard, the Prometheus endpoint) answer only on this machine, but
 * any local process or page can open connections to them: each connection is held to short timeouts, small
 * headers and a connection cap, so a slow or greedy client cannot tie the agent up. The port is never shared
 * (`exclusive`), and `close()` does not wait for keep-alive connections to idle out.
 */
export async function listenHardened(options: HardenedServerOptions): Promise<HardenedServer> {
  const { host, port } = options;
  const headersTimeout = options.headersTimeoutMillis ?? HEADERS_TIMEOUT_MILLIS;
  const server = createServer({
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, options.requestTimeoutMillis ?? REQUEST_TIMEOUT_MILLIS),
    // How often the two timeouts above are checked; Node's default of 30 s would stretch them.
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    maxHeaderSize: MAX_HEADER_BYTES,
  });
  server.keepAliveTimeout = KEEP_ALIVE_MILLIS;
  server.maxConnections = options.maxConnections;
  server.on('request', options.onRequest);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(options.onListenError?.(error) ?? error);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    endpoint: host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`,
    address: () => (server.address() as AddressInfo | null) ?? undefined,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
