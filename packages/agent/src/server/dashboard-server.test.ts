import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import { defaultConfig } from '../config/default-config.js';
import type { DashboardBackend } from './dashboard-backend.js';
import { DashboardServer } from './dashboard-server.js';

// A backend with no agent behind it: these tests exercise the server's socket handling only.
async function fakeBackend(): Promise<DashboardBackend> {
  const result = defaultConfig({});
  if (!result.ok) throw new Error('config');
  return {
    config: result.config,
    dataDir: '/nonexistent/prism-dashboard-test',
    dataDirSource: 'flag',
    homedir: '/nonexistent',
    env: {},
    clock: systemClock,
    startedAtMillis: 0,
    mode: () => ({ mode: 'local', sharingAllowed: false, reason: 'test', forcedBy: undefined }),
    systemStatus: () => undefined,
    scrape: () => Promise.resolve(undefined),
    applyStateNow: () => Promise.resolve(),
    sharingQueues: () => [],
  };
}

/** A GET with exactly these headers (Host defaults to the bound one). */
function rawRequest(
  port: number,
  options: { path: string; headers: Record<string, string> },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } },
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
    req.end();
  });
}

const servers: DashboardServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.shutdown();
});

async function started(options: Partial<ConstructorParameters<typeof DashboardServer>[0]> = {}) {
  const logger = createMemoryLogger();
  const server = new DashboardServer({ host: '127.0.0.1', port: 0, backend: await fakeBackend(), logger, ...options });
  servers.push(server);
  await server.start();
  return { server, logger };
}

describe('DashboardServer', () => {
  it('binds exactly the configured loopback address and prints a URL with a fresh 32-byte token', async () => {
    const a = await started();
    const b = await started();
    expect(a.server.boundAddress()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    // The token is in the fragment: a browser never sends it to any server.
    expect(a.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(new URL(a.server.url).search).toBe('');
    expect(new URL(a.server.url).hash).not.toBe(new URL(b.server.url).hash);
    const v6 = await started({ host: '::1' });
    expect(v6.server.boundAddress()).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(v6.server.url).toMatch(/^http:\/\/\[::1\]:\d+\/#token=/);
    expect(a.logger.lines.join('')).not.toContain('NOT LOOPBACK');
  });

  it('serves the page without a token, the API only with `Authorization: Bearer`, and never a cookie', async () => {
    const { server } = await started({ token: 'the-token' });
    const port = server.boundAddress().port;
    const get = (route: string, headers: Record<string, string> = {}) =>
      rawRequest(port, { path: route, headers: { Connection: 'close', ...headers } });
    for (const route of ['/', '/static/app.js', '/static/app.css']) {
      const response = await get(route);
      expect(response.status, route).toBe(200);
      expect(response.headers['content-security-policy'], route).toContain("default-src 'none'");
      expect(response.headers['set-cookie'], route).toBeUndefined();
    }
    const page = await get('/?token=the-token');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<!doctype html>');
    const refusals: Array<[string, Record<string, string>]> = [
      ['/api/overview', {}],
      ['/api/overview', { Cookie: 'prism_session=the-token' }],
      ['/api/overview', { Authorization: 'Bearer the-token2' }],
      ['/api/overview', { Authorization: 'Basic the-token' }],
      ['/api/overview', { Authorization: 'Bearer' }],
      ['/api/export', { Cookie: 'prism_session=the-token' }],
      ['/api/nope', {}],
    ];
    for (const [route, headers] of refusals) {
      const response = await get(route, headers);
      expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="prism-telemetry"');
      expect(JSON.parse(response.body).error.code).toBe('PT_ERR_DASHBOARD_UNAUTHORIZED');
    }
    expect((await get('/api/nope', { Authorization: 'Bearer the-token' })).status).toBe(404);
    expect((await get('/api/nope', { Authorization: 'bearer the-token' })).status).toBe(404);
    expect((await get('/nope')).status).toBe(404);
    // The Sec-Fetch-Site check still shuts other sites (and other ports) out of the API and the static files.
    const fromElsewhere = { Authorization: 'Bearer the-token', 'Sec-Fetch-Site': 'same-site' };
    expect((await get('/api/nope', fromElsewhere)).status).toBe(403);
    expect((await get('/static/app.js', { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await get('/', { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(200);
  });

  it('warns loudly when the user wrote a non-loopback address', async () => {
    const { server, logger } = await started({ host: '0.0.0.0' });
    expect(server.boundAddress().address).toBe('0.0.0.0');
    expect(logger.lines.join('')).toContain('DASHBOARD IS NOT LOOPBACK-ONLY');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('reports a taken port as PT_ERR_DASHBOARD_LISTEN naming telemetry.dashboard.endpoint', async () => {
    const { server } = await started();
    const port = server.boundAddress().port;
    const second = new DashboardServer({
      host: '127.0.0.1',
      port,
      backend: await fakeBackend(),
      logger: createMemoryLogger(),
    });
    await expect(second.start()).rejects.toMatchObject({
      code: 'PT_ERR_DASHBOARD_LISTEN',
      hint: expect.stringContaining('telemetry.dashboard.endpoint') as unknown,
    });
  });

  it('drops a connection that sends its headers too slowly (slow loris)', async () => {
    const { server } = await started({ headersTimeoutMillis: 300, requestTimeoutMillis: 300 });
    const socket = connect({ host: '127.0.0.1', port: server.boundAddress().port });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.boundAddress().port}\r\n`);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const closedAt = await new Promise<number>((resolve) => {
      const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
      socket.once('close', () => {
        clearInterval(timer);
        resolve(Date.now());
      });
    });
    expect(closedAt).toBeGreaterThan(0);
    expect(received).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('shuts down twice without error and closes open connections', async () => {
    const { server } = await started();
    const socket = connect({ host: '127.0.0.1', port: server.boundAddress().port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await server.shutdown();
    await server.shutdown();
    await closed;
  });
});
