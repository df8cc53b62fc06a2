import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isolatedEnv,
  readMetricFiles,
  runCli,
  startAgent,
  tempDir,
  waitFor,
  writeConfig,
  type RunningAgent,
} from './support/cli.js';
import {
  expectClosedOnOtherAddresses,
  parseDashboardUrl,
  printedDashboardUrl,
  rawRequest,
  type RawResponse,
} from './support/dashboard-http.js';

/**
 * The dashboard server of a real agent (`prism-telemetry start`), attacked over real sockets: DNS rebinding
 * (foreign Host), missing and wrong tokens (and the old session cookie, which grants nothing any more), cross-site
 * POSTs (no or foreign Origin, form and text bodies), oversized bodies, wrong methods. Every refusal leaves
 * state.json as it was.
 */

const GET_ROUTES = [
  '/',
  '/healthz',
  '/metrics',
  '/static/app.js',
  '/static/app.css',
  '/static/uPlot.iife.min.js',
  '/static/uPlot.min.css',
  '/api/overview',
  '/api/charts?hours=1',
  '/api/collected',
  '/api/export',
];
const POST_ROUTES = ['/api/mode', '/api/delete'];
/** The page and its files hold no data: no token needed. Only the API needs one. */
const PUBLIC_ROUTES = GET_ROUTES.filter((r) => !r.startsWith('/api/'));
const API_ROUTES = GET_ROUTES.filter((r) => r.startsWith('/api/'));

describe('the dashboard server of a running agent', () => {
  const env = isolatedEnv();
  let dataDir: string;
  let agent: RunningAgent | undefined;
  let port: number;
  let token: string;
  let origin: string;
  let bearer: { Authorization: string };
  const seen: RawResponse[] = [];

  const send = async (options: Parameters<typeof rawRequest>[1]): Promise<RawResponse> => {
    const response = await rawRequest(port, options);
    seen.push(response);
    return response;
  };
  const readStateFile = (): Promise<string> => readFile(path.join(dataDir, 'state.json'), 'utf8');
  const postMode = (headers: Record<string, string>, body = '{"mode":"off"}'): Promise<RawResponse> =>
    send({ method: 'POST', path: '/api/mode', headers: { ...bearer, ...headers }, body });

  beforeAll(async () => {
    const dir = await tempDir('prism-dashboard-security-');
    dataDir = path.join(dir, 'data');
    agent = await startAgent(['--config', await writeConfig(dir), '--data-dir', dataDir], env);
    const url = printedDashboardUrl(agent.output().stdout);
    expect(url, agent.output().stdout).toBeDefined();
    ({ port, token, origin } = parseDashboardUrl(url!));
    bearer = { Authorization: `Bearer ${token}` };
    // A first state change, so that state.json exists and "unchanged" can be checked byte for byte.
    const made = await runCli(['mode', 'local', '--data-dir', dataDir], { env });
    expect(made.code, made.stderr).toBe(0);
  });

  afterAll(async () => {
    if (!agent) return;
    agent.child.kill('SIGTERM');
    const { code } = await agent.exited;
    expect(code).toBe(0);
    // dashboard.json holds the token: it goes with the agent.
    expect(await readdir(dataDir)).not.toContain('dashboard.json');
  });

  it('prints its URL at start and through `prism-telemetry dashboard`, and binds loopback only', async () => {
    // The token is in the fragment: the browser never sends it to a server, nor in a Referer.
    expect(agent!.output().stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}\n/);
    const json = await runCli(['dashboard', '--json', '--data-dir', dataDir], { env });
    expect(json.code, json.stderr).toBe(0);
    const file = JSON.parse(json.stdout) as { url: string; pid: number; bound: { address: string; port: number } };
    expect(file.url).toBe(printedDashboardUrl(agent!.output().stdout));
    expect(file.pid).toBe(agent!.child.pid);
    expect(file.bound).toMatchObject({ address: '127.0.0.1', port });
    const plain = await runCli(['dashboard', '--data-dir', dataDir], { env });
    expect(plain.stdout).toBe(`${file.url}\n`);
    const mode = (await import('node:fs')).statSync(path.join(dataDir, 'dashboard.json')).mode & 0o777;
    expect(mode).toBe(0o600);

    // From any other address of this machine the port is closed.
    await expectClosedOnOtherAddresses(port);
  });

  it('answers 403 to a foreign Host on every route, token or not', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port + 1}`,
      `localhost.:${port}`,
    ]) {
      for (const route of [...GET_ROUTES, '/nope', `/?token=${token}`]) {
        const response = await send({ path: route, headers: { Host: host, ...bearer } });
        expect(response.status, `${host} ${route}`).toBe(403);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      for (const route of POST_ROUTES) {
        const response = await send({
          method: 'POST',
          path: route,
          headers: { Host: host, Origin: origin, 'Content-Type': 'application/json', ...bearer },
          body: '{"mode":"off"}',
        });
        expect(response.status, `${host} POST ${route}`).toBe(403);
      }
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await send({ path: '/healthz', headers: { Host: host } })).status, host).toBe(200);
    }
  });

  it('serves /healthz, /metrics, the page and its files without a token, and no API route', async () => {
    const health = await send({ path: '/healthz' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    for (const route of PUBLIC_ROUTES) expect((await send({ path: route })).status, route).toBe(200);
    // The page is the same for everyone: no data in it, and nothing from the query (an old `?token=` link).
    const page = await send({ path: '/' });
    expect(page.body).not.toContain(token);
    expect((await send({ path: `/?token=${token}` })).body).toBe(page.body);
    for (const route of [...API_ROUTES, '/api/nope']) {
      const response = await send({ path: route });
      expect(response.status, route).toBe(401);
      expect(JSON.parse(response.body).error.code).toBe('PT_ERR_DASHBOARD_UNAUTHORIZED');
    }
    expect((await send({ path: '/nope' })).status).toBe(404);
  });

  it('refuses wrong tokens, other schemes and the old session cookie with 401', async () => {
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const attempts: Array<Record<string, string>> = [
      // The cookie of the earlier scheme, with this launch's real token: it grants nothing.
      { Cookie: `prism_session=${token}` },
      { Cookie: `prism_session=${wrong}` },
      { Authorization: `Bearer ${wrong}` },
      { Authorization: `Bearer ${token.slice(0, -1)}` },
      { Authorization: `Basic ${token}` },
      { Authorization: token },
      { Authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      for (const route of ['/api/overview', '/api/export']) {
        const response = await send({ path: route, headers });
        expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.body).not.toContain('uptimeSeconds');
      }
    }
    const postWithCookie = await send({
      method: 'POST',
      path: '/api/mode',
      headers: { Cookie: `prism_session=${token}`, Origin: origin, 'Content-Type': 'application/json' },
      body: '{"mode":"off"}',
    });
    expect(postWithCookie.status).toBe(401);
  });

  it('answers the API with `Authorization: Bearer` and never sets a cookie', async () => {
    const overview = await send({ path: '/api/overview', headers: bearer });
    expect(overview.status).toBe(200);
    expect(JSON.parse(overview.body)).toMatchObject({ mode: { mode: 'local' }, level: 'standard' });
    const collected = await send({ path: '/api/collected', headers: bearer });
    expect(collected.status).toBe(200);
    const exported = await send({ path: '/api/export', headers: bearer });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-disposition']).toMatch(/^attachment; filename="prism-telemetry-export-/);
  });

  it('refuses cross-site state changes (no Origin, foreign Origin, form or text bodies) and changes nothing', async () => {
    const before = await readStateFile();
    const json = { 'Content-Type': 'application/json' };
    const cases: Array<[Record<string, string>, number, string?]> = [
      [json, 403],
      [{ ...json, Origin: 'http://evil.example' }, 403],
      [{ ...json, Origin: 'null' }, 403],
      [{ ...json, Origin: `http://127.0.0.1:${port + 1}` }, 403],
      [{ ...json, Origin: `https://127.0.0.1:${port}` }, 403],
      [{ ...json, Origin: `${origin}/` }, 403],
      [{ Origin: origin, 'Content-Type': 'text/plain' }, 415],
      [{ Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'mode=off'],
      [{ Origin: origin, 'Content-Type': 'multipart/form-data; boundary=x' }, 415],
      [{ Origin: origin }, 415],
      [{ ...json, Origin: origin }, 400, 'mode=off'],
      [{ ...json, Origin: origin }, 400, '{"mode":"sideways"}'],
    ];
    for (const [headers, status, body] of cases) {
      const response = await postMode(headers, body);
      expect(response.status, JSON.stringify(headers)).toBe(status);
      expect(JSON.parse(response.body).error.code).toMatch(/^PT_ERR_/);
    }
    // Another port of 127.0.0.1 is the same site: the browser says where the request came from.
    for (const site of ['same-site', 'cross-site']) {
      const response = await postMode({ ...json, Origin: origin, 'Sec-Fetch-Site': site });
      expect(response.status, site).toBe(403);
      const read = await send({
        path: '/api/overview',
        headers: { ...bearer, 'Sec-Fetch-Site': site },
      });
      expect(read.status, site).toBe(403);
    }
    const noSession = await send({
      method: 'POST',
      path: '/api/delete',
      headers: { ...json, Origin: origin },
      body: '{"confirm":"delete all data"}',
    });
    expect(noSession.status).toBe(401);
    expect(await readStateFile()).toBe(before);
    expect((await readMetricFiles(dataDir)).size).toBeGreaterThan(0);
  });

  it('answers 405 to the wrong method and 413 to a body over 16 KiB', async () => {
    for (const route of POST_ROUTES) {
      const response = await send({ path: route, headers: bearer });
      expect(response.status, route).toBe(405);
      expect(response.headers.allow).toBe('POST');
    }
    for (const route of ['/api/overview', '/api/export']) {
      const response = await send({
        method: 'POST',
        path: route,
        headers: { ...bearer, Origin: origin, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(response.status, route).toBe(405);
    }
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expect((await send({ method, path: '/api/mode', headers: { ...bearer, Origin: origin } })).status).toBe(405);
    }
    const before = await readStateFile();
    const big = JSON.stringify({ mode: 'off', padding: 'x'.repeat(17 * 1024) });
    const declared = await postMode({ Origin: origin, 'Content-Type': 'application/json' }, big);
    expect(declared.status).toBe(413);
    expect(await readStateFile()).toBe(before);
  });

  it('sends the security headers on every response and never a CORS header or a cookie', () => {
    expect(seen.length).toBeGreaterThan(50);
    for (const response of seen) {
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('switches the mode from a same-origin POST, and `status` reports it at once', async () => {
    const response = await postMode({ Origin: origin, 'Content-Type': 'application/json' });
    expect(response.status, response.body).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      mode: { mode: 'off', sharingAllowed: false, reason: 'mode off: nothing is collected', forcedBy: null },
    });
    const status = await runCli(['status', '--json', '--data-dir', dataDir], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ mode: 'off', effective: { mode: 'off' } });
    // Sharing needs a configured endpoint and an explicit confirmation.
    const on = await postMode({ Origin: origin, 'Content-Type': 'application/json' }, '{"mode":"on","confirm":true}');
    expect(on.status).toBe(409);
    const back = await postMode({ Origin: origin, 'Content-Type': 'application/json' }, '{"mode":"local"}');
    expect(JSON.parse(back.body).mode.mode).toBe('local');
  });

  it('deletes all data only with the confirmation phrase', async () => {
    const post = (body: string): Promise<RawResponse> =>
      send({
        method: 'POST',
        path: '/api/delete',
        headers: { ...bearer, Origin: origin, 'Content-Type': 'application/json' },
        body,
      });
    await waitFor(async () => (await readMetricFiles(dataDir)).size > 0, 10_000, 'metric files');
    expect((await post('{}')).status).toBe(400);
    expect((await post('{"confirm":"yes"}')).status).toBe(400);
    expect((await readMetricFiles(dataDir)).size).toBeGreaterThan(0);
    const done = await post('{"confirm":"delete all data"}');
    expect(done.status, done.body).toBe(200);
    expect(JSON.parse(done.body).removedFiles).toBeGreaterThan(0);
    const state = JSON.parse(await readStateFile()) as { dataGeneration: number };
    expect(state.dataGeneration).toBe(1);
  });
});

describe('prism-telemetry dashboard without an agent', () => {
  it('exits 1 and says how to start one', async () => {
    const dir = await tempDir('prism-dashboard-none-');
    const result = await runCli(['dashboard', '--data-dir', path.join(dir, 'data')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('PT_ERR_NOT_RUNNING');
    expect(result.stderr).toContain('prism-telemetry start');
  });
});
