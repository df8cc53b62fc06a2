import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import { expect } from 'vitest';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with exactly the headers given (the node client lets us set Host, which fetch would not),
 * to 127.0.0.1:port unless `host` says otherwise.
 */
export function rawRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The port and token of a printed dashboard URL (`http://127.0.0.1:P/#token=T`: the token is in the fragment). */
export function parseDashboardUrl(url: string): { port: number; token: string; origin: string } {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return { port: Number(parsed.port), token, origin: parsed.origin };
}

/** The dashboard URL `prism-telemetry start` printed. */
export function printedDashboardUrl(stdout: string): string | undefined {
  return /dashboard: (http:\/\/\S+)/.exec(stdout)?.[1];
}

/**
 * Asserts that `port` is closed on every address of this machine but loopback: a server bound to loopback only
 * cannot be reached from the network. (A machine with no such address has nothing to check.)
 */
export async function expectClosedOnOtherAddresses(port: number): Promise<void> {
  const others = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a!.address);
  for (const address of others) {
    const result = await new Promise<string>((resolve) => {
      const socket = connect({ host: address, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(result, address).toMatch(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EINVAL/);
  }
}
