import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, findDashboardUrl, launchBrowser, type BrowserSession } from './support/browser.js';
import { startCollectServer, type CollectServer } from './support/collect-server.js';
import { writeConsentedState } from './support/consent.js';
import { parseDashboardUrl, rawRequest } from './support/dashboard-http.js';
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

/*
 * The dashboard in real headless chromium against a real agent: one agent and one browser per describe, the
 * tests in order (load, attack, no token, mode, export, delete, requests; then sharing with two exporters). The machine is slow and noisy, so every wait is on
 * a condition with a generous deadline, never a fixed sleep.
 */

const WAIT_MILLIS = 45_000;
const TEST_MILLIS = 120_000;

function env(): NodeJS.ProcessEnv {
  const base = isolatedEnv();
  delete base.DO_NOT_TRACK;
  delete base.PRISM_TELEMETRY_DISABLED;
  return base;
}

async function statusMode(dataDir: string): Promise<string> {
  const result = await runCli(['status', '--data-dir', dataDir, '--json'], { env: env() });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { mode: string }).mode;
}

/** The attacker's page: tries every cross-origin trick a web page has and reports what it got in its own DOM. */
function attackerPage(dashboard: string): string {
  const script = `
const D = ${JSON.stringify(dashboard)};
const results = {};
const attempt = async (name, run) => {
  try { results[name] = await run(); } catch (error) { results[name] = 'rejected: ' + error.name; }
};
const describe = async (r) => ({ type: r.type, status: r.status, body: await r.text() });
const post = (route, body, init) => fetch(D + route, { method: 'POST', credentials: 'include', body, ...init });
const loaded = (element, attach) => new Promise((resolve) => {
  element.onload = () => resolve('load');
  element.onerror = () => resolve('error');
  attach(element);
});
const submitForm = (route, enctype, fields) => new Promise((resolve) => {
  const name = 'sink' + Math.random().toString(36).slice(2);
  const frame = document.createElement('iframe');
  frame.name = name;
  frame.onload = () => resolve('submitted');
  setTimeout(() => resolve('no load event'), 15000);
  document.body.append(frame);
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = D + route;
  form.enctype = enctype;
  form.target = name;
  for (const [key, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = key;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
});
(async () => {
  const off = JSON.stringify({ mode: 'off' });
  const wipe = JSON.stringify({ confirm: 'delete all data' });
  await attempt('modeJsonCors', () => post('/api/mode', off, { headers: { 'Content-Type': 'application/json' } }).then(describe));
  await attempt('modeJsonNoCors', () => post('/api/mode', off, { mode: 'no-cors', headers: { 'Content-Type': 'application/json' } }).then(describe));
  await attempt('modeTextNoCors', () => post('/api/mode', off, { mode: 'no-cors', headers: { 'Content-Type': 'text/plain' } }).then(describe));
  await attempt('deleteNoCors', () => post('/api/delete', wipe, { mode: 'no-cors' }).then(describe));
  // text/plain form whose body is valid JSON: {"confirm":"delete all data","x":"="}
  await attempt('deleteForm', () => submitForm('/api/delete', 'text/plain', { '{"confirm":"delete all data","x":"': '"}' }));
  await attempt('modeForm', () => submitForm('/api/mode', 'application/x-www-form-urlencoded', { mode: 'off' }));
  await attempt('exportImage', () => loaded(new Image(), (img) => { img.src = D + '/api/export'; }));
  await attempt('overviewScript', () => loaded(document.createElement('script'), (s) => { s.src = D + '/api/overview'; document.head.append(s); }));
  await attempt('overviewCors', () => fetch(D + '/api/overview', { credentials: 'include' }).then(describe));
  await attempt('overviewNoCors', () => fetch(D + '/api/overview', { mode: 'no-cors', credentials: 'include' }).then(describe));
  await attempt('exportCors', () => fetch(D + '/api/export', { credentials: 'include' }).then(describe));
  await attempt('frame', () => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.onload = () => {
      try {
        const doc = frame.contentDocument;
        resolve(doc ? 'readable: ' + doc.documentElement.outerHTML : 'no document');
      } catch (error) { resolve('blocked: ' + error.name); }
    };
    setTimeout(() => resolve('no load event'), 15000);
    frame.src = D + '/';
    document.body.append(frame);
  }));
  // What this origin holds: its own storage and cookies (the dashboard's are another origin's).
  results.storage = JSON.stringify({ ...sessionStorage, ...localStorage });
  results.cookies = document.cookie;
  document.getElementById('results').textContent = JSON.stringify(results);
  document.title = 'attack done';
})();
`;
  return `<!doctype html><html><head><title>attack</title></head><body><pre id="results"></pre><script>${script}</script></body></html>`;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const available = chromiumAvailable();

describe.skipIf(!available)('the dashboard in headless chromium', () => {
  let dataDir: string;
  let agent: RunningAgent | undefined;
  let browser: BrowserSession | undefined;
  let page: Page;
  let printedUrl: string;
  let origin: string;
  let token: string;
  const pageRequests: string[] = [];
  /** The credentials of every request the dashboard page made to its API. */
  const apiCredentials: Array<{ url: string; authorization?: string; cookie?: string }> = [];
  const pageErrors: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    const dir = await tempDir('prism-dashboard-');
    dataDir = path.join(dir, 'data');
    const config = await writeConfig(dir, { interval: '1s', dashboard: { endpoint: '127.0.0.1:0' } });
    agent = await startAgent(['--config', config, '--data-dir', dataDir], env());
    const running = agent;
    await waitFor(() => findDashboardUrl(running.output().stdout) !== undefined, WAIT_MILLIS, 'the dashboard URL');
    printedUrl = findDashboardUrl(running.output().stdout)!;
    origin = new URL(printedUrl).origin;
    token = new URLSearchParams(new URL(printedUrl).hash.slice(1)).get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The charts are read from the files: let the first measurements land before the page asks for them.
    await waitFor(async () => (await readMetricFiles(dataDir)).size > 0, WAIT_MILLIS, 'the first metric files');

    browser = await launchBrowser();
    // Anything not bound for a loopback test server is recorded and refused: the page must work offline.
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (/^http:\/\/127\.0\.0\.1:\d+\//.test(url) || url.startsWith('data:') || url.startsWith(`blob:${origin}/`)) {
        return route.continue();
      }
      elsewhere.push(url);
      return route.abort();
    });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('request', (request) => {
      pageRequests.push(request.url());
      if (request.url().startsWith(`${origin}/api/`)) {
        const headers = request.headers();
        apiCredentials.push({
          url: request.url(),
          ...(headers.authorization === undefined ? {} : { authorization: headers.authorization }),
          ...(headers.cookie === undefined ? {} : { cookie: headers.cookie }),
        });
      }
    });
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, TEST_MILLIS);

  afterAll(async () => {
    await browser?.close();
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  }, TEST_MILLIS);

  it(
    'loads from the printed URL: token from the fragment to sessionStorage, then status, a chart and the manifest',
    async () => {
      const cli = await runCli(['dashboard', '--data-dir', dataDir, '--json'], { env: env() });
      expect(cli.code, cli.stderr).toBe(0);
      expect((JSON.parse(cli.stdout) as { url: string }).url).toBe(printedUrl);

      await page.goto(printedUrl);
      // Locators and attributes only: a string predicate would be eval'd in the page, which its CSP forbids.
      await page.locator('body[data-loaded="true"]').waitFor({ timeout: WAIT_MILLIS });
      // The token left the address bar at once; it is in this tab's sessionStorage; the browser has no cookie.
      expect(page.url()).toBe(`${origin}/`);
      await expect(page.evaluate("window.sessionStorage.getItem('prism-telemetry-token')")).resolves.toBe(token);
      expect(await browser!.context.cookies()).toEqual([]);
      await expect
        .poll(() => page.getByTestId('status-badge').getAttribute('data-status'), { timeout: WAIT_MILLIS })
        .toMatch(/^(healthy|degraded|critical|unknown)$/);
      await expect(page.getByTestId('mode-badge').textContent()).resolves.toBe('local');
      await expect(page.getByTestId('level-badge').textContent()).resolves.toBe('standard');

      // A chart with points and a canvas; the page refreshes itself every 10 s, so this needs no reload.
      const cpu = page.locator('[data-testid="chart"][data-chart-id="cpu"]');
      await expect
        .poll(async () => Number(await cpu.getAttribute('data-points', { timeout: WAIT_MILLIS })), {
          timeout: WAIT_MILLIS,
        })
        .toBeGreaterThan(0);
      await cpu.locator('canvas').first().waitFor({ timeout: WAIT_MILLIS });

      const manifest = page.getByTestId('manifest-table');
      await expect.poll(() => manifest.locator('[data-testid="manifest-row"]').count()).toBeGreaterThan(10);
      await expect(manifest.textContent()).resolves.toContain('system.cpu.utilization');
      await expect(page.getByTestId('nothing-left').textContent()).resolves.toBe('No data has left this machine.');
      await expect(page.getByTestId('nothing-left').isVisible()).resolves.toBe(true);

      // A reload (the address has no token any more) still works, from sessionStorage.
      await page.reload();
      await page.locator('body[data-loaded="true"]').waitFor({ timeout: WAIT_MILLIS });
      await expect.poll(() => page.getByTestId('mode-badge').textContent()).toBe('local');
      await expect(page.getByTestId('error-banner').isVisible()).resolves.toBe(false);

      // Every API call carried the token as a bearer header, none a cookie.
      expect(apiCredentials.length).toBeGreaterThan(5);
      for (const call of apiCredentials)
        expect(call, call.url).toEqual({ url: call.url, authorization: `Bearer ${token}` });
    },
    TEST_MILLIS,
  );

  it(
    'a page on another loopback port, in the same browser, can neither change state nor read anything',
    async () => {
      // No state.json yet (the default mode, never set) is a state too, and must stay so.
      const readState = () => readFile(path.join(dataDir, 'state.json'), 'utf8').catch(() => 'absent');
      const stateBefore = await readState();
      const filesBefore = [...(await readMetricFiles(dataDir)).keys()];
      expect(filesBefore.length).toBeGreaterThan(0);

      // The attacker's server records everything the browser sends it: a cookie for 127.0.0.1 would be sent to
      // every port, and the server could replay it with curl (forging Host and Origin).
      const attackerSaw: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
      const attacker = createServer((req, res) => {
        attackerSaw.push({ url: req.url ?? '', headers: req.headers });
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(attackerPage(origin));
      });
      const attackerOrigin = await listen(attacker);
      expect(attackerOrigin).not.toBe(origin);
      const evil = await browser!.context.newPage();
      const reached: Array<{ method: string; url: string; status: number }> = [];
      evil.on('response', (response) => {
        if (response.url().startsWith(origin)) {
          reached.push({ method: response.request().method(), url: response.url(), status: response.status() });
        }
      });
      try {
        await evil.goto(`${attackerOrigin}/`);
        await expect.poll(() => evil.title(), { timeout: WAIT_MILLIS }).toBe('attack done');
        const text = (await evil.locator('#results').textContent()) ?? '';
        const results = JSON.parse(text) as Record<string, unknown>;

        // Reading: a CORS fetch is refused (no CORS headers); a no-cors one is refused too (CORP same-origin) or
        // at best opaque and empty; the image and script fail; the frame is blocked (frame-ancestors).
        expect(results.modeJsonCors).toMatch(/^rejected/);
        expect(results.overviewCors).toMatch(/^rejected/);
        expect(results.exportCors).toMatch(/^rejected/);
        for (const name of ['modeJsonNoCors', 'modeTextNoCors', 'deleteNoCors', 'overviewNoCors']) {
          const result = results[name];
          if (typeof result === 'string') expect(result, name).toMatch(/^rejected/);
          else expect(result, name).toEqual({ type: 'opaque', status: 0, body: '' });
        }
        expect(results.exportImage).toBe('error');
        expect(results.overviewScript).toBe('error');
        expect(results.frame).toMatch(/^(blocked|no document|no load event)/);
        expect(results.storage).toBe('{}');
        expect(results.cookies).toBe('');
        for (const secret of [token, dataDir, 'uptimeSeconds', 'manifest']) {
          expect(text).not.toContain(secret);
        }

        // The attacker's server got the page request and no credential: no cookie, no Authorization, no token
        // anywhere in any header (Referer included).
        expect(attackerSaw.map((r) => r.url)).toContain('/');
        for (const { url, headers } of attackerSaw) {
          expect(headers.cookie, url).toBeUndefined();
          expect(headers.authorization, url).toBeUndefined();
          expect(JSON.stringify(headers), url).not.toContain(token);
        }

        // The form posts did reach the agent, without any credential, and were refused. (Responses that CORP
        // blocks are not reported to playwright; what they did not do is checked on disk below.)
        const posts = reached.filter((r) => r.method === 'POST');
        expect(posts.map((p) => new URL(p.url).pathname).sort()).toEqual(['/api/delete', '/api/mode']);
        for (const post of posts) expect(post.status, post.url).toBeGreaterThanOrEqual(400);
      } finally {
        await evil.close();
        attacker.closeAllConnections();
        await new Promise((resolve) => attacker.close(resolve));
      }

      // Nothing changed: same mode, same state file, every data file still there.
      expect(await statusMode(dataDir)).toBe('local');
      expect(await readState()).toBe(stateBefore);
      const filesAfter = await readMetricFiles(dataDir);
      for (const file of filesBefore) expect(filesAfter.has(file), file).toBe(true);
    },
    TEST_MILLIS,
  );

  it(
    'a tab without the token, or with a stale one, says to open the printed URL and shows no data',
    async () => {
      for (const address of [`${origin}/`, `${origin}/#token=${token.slice(0, -2)}xx`]) {
        const tab = await browser!.context.newPage();
        const answers: number[] = [];
        tab.on('response', (response) => {
          if (response.url().startsWith(`${origin}/api/`)) answers.push(response.status());
        });
        try {
          await tab.goto(address);
          await tab.locator('body[data-auth="missing"]').waitFor({ timeout: WAIT_MILLIS });
          await expect(tab.getByTestId('error-message').textContent()).resolves.toBe(
            'Open the URL printed by `prism-telemetry dashboard`.',
          );
          await expect(tab.getByTestId('error-banner').isVisible()).resolves.toBe(true);
          await expect(tab.getByTestId('mode-badge').textContent()).resolves.not.toBe('local');
          expect(tab.url()).toBe(`${origin}/`);
          // No token: no API call at all; a stale one: the API refused it.
          if (address.includes('#')) {
            expect(answers.length).toBeGreaterThan(0);
            for (const status of answers) expect(status).toBe(401);
          } else expect(answers).toEqual([]);
        } finally {
          await tab.close();
        }
      }
    },
    TEST_MILLIS,
  );

  it(
    'switching the mode in the page changes what `prism-telemetry status` reports',
    async () => {
      expect(await statusMode(dataDir)).toBe('local');
      await expect(page.getByTestId('mode-on').isDisabled()).resolves.toBe(true);

      await page.getByTestId('mode-off').click();
      await expect
        .poll(() => page.getByTestId('mode-off').getAttribute('aria-pressed'), { timeout: WAIT_MILLIS })
        .toBe('true');
      await expect(page.getByTestId('mode-badge').textContent()).resolves.toBe('off');
      await expect.poll(() => statusMode(dataDir), { timeout: WAIT_MILLIS }).toBe('off');
      await expect(page.getByTestId('live-status').textContent()).resolves.toContain('off');

      await page.getByTestId('mode-local').click();
      await expect
        .poll(() => page.getByTestId('mode-local').getAttribute('aria-pressed'), { timeout: WAIT_MILLIS })
        .toBe('true');
      await expect.poll(() => statusMode(dataDir), { timeout: WAIT_MILLIS }).toBe('local');
      await expect(page.getByTestId('error-banner').getAttribute('data-kind')).resolves.not.toBe('error');
    },
    TEST_MILLIS,
  );

  it(
    'the export button downloads the export with the token (fetched, saved from an object URL)',
    async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: WAIT_MILLIS }),
        page.getByTestId('export-link').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^prism-telemetry-export-\d{4}-\d{2}-\d{2}\.json$/);
      const saved = await download.path();
      const document = JSON.parse(await readFile(saved, 'utf8')) as { format: string; metrics: unknown[] };
      expect(document.format).toBe('prism-telemetry-export');
      expect(document.metrics.length).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('live-status').textContent()).toMatch(/^Export saved as /);
      const exports = apiCredentials.filter((c) => c.url === `${origin}/api/export`);
      expect(exports).toEqual([{ url: `${origin}/api/export`, authorization: `Bearer ${token}` }]);
    },
    TEST_MILLIS,
  );

  it(
    'delete asks for confirmation; cancel keeps everything, confirming empties the metrics directory',
    async () => {
      // Mode off first, so no new measurement lands after the delete and "empty" stays true.
      await page.getByTestId('mode-off').click();
      await expect.poll(() => statusMode(dataDir), { timeout: WAIT_MILLIS }).toBe('off');
      const before = [...(await readMetricFiles(dataDir)).keys()];
      expect(before.length).toBeGreaterThan(0);

      const dialog = page.getByTestId('delete-dialog');
      await page.getByTestId('delete-button').click();
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await expect(page.getByTestId('delete-confirm').isDisabled()).resolves.toBe(true);
      await page.getByTestId('delete-input').fill('delete');
      await expect(page.getByTestId('delete-confirm').isDisabled()).resolves.toBe(true);
      await page.getByTestId('delete-cancel').click();
      await expect.poll(() => dialog.isVisible()).toBe(false);
      await expect.poll(() => page.getByTestId('live-status').textContent()).toBe('Nothing was deleted.');
      const afterCancel = await readMetricFiles(dataDir);
      for (const file of before) expect(afterCancel.has(file), file).toBe(true);

      await page.getByTestId('delete-button').click();
      await expect.poll(() => dialog.isVisible()).toBe(true);
      // The field starts empty again: the earlier, cancelled text does not carry over.
      await expect(page.getByTestId('delete-input').inputValue()).resolves.toBe('');
      await page.getByTestId('delete-input').fill('delete all data');
      await page.getByTestId('delete-confirm').click();
      await expect
        .poll(() => page.getByTestId('error-message').textContent(), { timeout: WAIT_MILLIS })
        .toMatch(/^All data deleted/);
      await expect(page.getByTestId('error-banner').getAttribute('data-kind')).resolves.toBe('info');
      await expect.poll(async () => [...(await readMetricFiles(dataDir)).keys()], { timeout: WAIT_MILLIS }).toEqual([]);
    },
    TEST_MILLIS,
  );

  it('the page asked nothing of anyone but the dashboard, and hit no CSP violation or script error', () => {
    expect(pageRequests.length).toBeGreaterThan(5);
    const foreign = pageRequests.filter(
      (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith(`blob:${origin}/`),
    );
    expect(foreign).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/** What /api/overview says about one sharing exporter (the fields the page shows). */
interface OverviewExporter {
  exporter: string;
  destination: string;
  level: string | null;
  levelCap: string | null;
  notSending: string | null;
  queue: { depthRecords: number; lastSuccessAt: string | null; lastError: { reason: string } | null };
}

describe.skipIf(!available)('the dashboard of an agent with two sharing exporters', () => {
  let down: Server;
  let downUrl: string;
  let other: CollectServer;
  let otherUrl: string;
  let agent: RunningAgent | undefined;
  let browser: BrowserSession | undefined;
  let printedUrl: string;
  const pageErrors: string[] = [];

  const overviewExporters = async (): Promise<OverviewExporter[]> => {
    const { port, token } = parseDashboardUrl(printedUrl);
    const response = await rawRequest(port, { path: '/api/overview', headers: { Authorization: `Bearer ${token}` } });
    expect(response.status, response.body).toBe(200);
    return (JSON.parse(response.body) as { sharing: { exporters: OverviewExporter[] } }).sharing.exporters;
  };

  beforeAll(async () => {
    // The consented endpoint is down (503), so its queue fills; the other one works but has no consent.
    down = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(503, { 'retry-after': '1' }).end());
    });
    downUrl = `${await listen(down)}/v1/collect`;
    other = await startCollectServer();
    otherUrl = `${other.url}/v1/collect`;

    const dir = await tempDir('prism-dashboard-sharing-');
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'share.yaml');
    await writeFile(
      config,
      [
        'telemetry:',
        '  privacy_level: standard',
        '  sharing: { enabled: true }',
        '  dashboard: { endpoint: "127.0.0.1:0" }',
        'receivers: { hostmetrics: { collection_interval: 1s } }',
        'exporters:',
        '  otlphttp/down:',
        `    endpoint: "${downUrl}"`,
        '    sending_queue: { flush_interval: 1s }',
        '    retry_on_failure: { max_retries: 1, initial_interval: 100ms, max_interval: 200ms }',
        '  otlphttp/other:',
        `    endpoint: "${otherUrl}"`,
        '    privacy_level: minimal',
        '    sending_queue: { flush_interval: 1s }',
        'service: { pipelines: { metrics/share: { receivers: [hostmetrics], exporters: [otlphttp/down, otlphttp/other] } } }',
        '',
      ].join('\n'),
    );
    await writeConsentedState(dataDir, downUrl, 'standard');
    agent = await startAgent(['--config', config, '--data-dir', dataDir], env());
    const running = agent;
    await waitFor(() => findDashboardUrl(running.output().stdout) !== undefined, WAIT_MILLIS, 'the dashboard URL');
    printedUrl = findDashboardUrl(running.output().stdout)!;
    browser = await launchBrowser();
  }, TEST_MILLIS);

  afterAll(async () => {
    await browser?.close();
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
    await other?.close();
    down?.closeAllConnections();
    await new Promise((resolve) => down?.close(resolve));
  }, TEST_MILLIS);

  it(
    '/api/overview lists both exporters, each with its own destination, level, queue and reason',
    async () => {
      await waitFor(
        async () => (await overviewExporters()).some((e) => e.queue.depthRecords > 0 && e.queue.lastError),
        WAIT_MILLIS,
        'a batch queued behind the 503',
      );
      const [first, second] = await overviewExporters();
      expect(first).toMatchObject({
        exporter: 'otlphttp/down',
        destination: downUrl,
        level: 'standard',
        levelCap: null,
        notSending: null,
        queue: { lastSuccessAt: null, lastError: { reason: 'http_503' } },
      });
      expect(first!.queue.depthRecords).toBeGreaterThan(0);
      expect(second).toMatchObject({
        exporter: 'otlphttp/other',
        destination: otherUrl,
        level: 'minimal',
        levelCap: 'minimal',
        notSending: 'the consent receipt names another endpoint',
        queue: { depthRecords: 0, lastSuccessAt: null, lastError: null },
      });
      // The receipt names the other endpoint: nothing went to this one.
      expect(other.requests).toEqual([]);
    },
    TEST_MILLIS,
  );

  it(
    'the page shows one line per exporter, with its destination and its own queue',
    async () => {
      const page = await browser!.context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(printedUrl);
      await page.locator('body[data-loaded="true"]').waitFor({ timeout: WAIT_MILLIS });

      const lines = page.getByTestId('sharing-exporter');
      await expect.poll(() => lines.count(), { timeout: WAIT_MILLIS }).toBe(2);
      const downLine = (await lines.nth(0).textContent()) ?? '';
      expect(await lines.nth(0).getAttribute('data-exporter')).toBe('otlphttp/down');
      expect(downLine).toContain(`otlphttp/down → ${downUrl}`);
      expect(downLine).toMatch(/level standard · queue [1-9]\d* batch\(es\), /);
      expect(downLine).toContain('last delivered never');
      expect(downLine).toMatch(/last error http_503 at /);
      expect(downLine).not.toContain('not sending');

      const otherLine = (await lines.nth(1).textContent()) ?? '';
      expect(await lines.nth(1).getAttribute('data-exporter')).toBe('otlphttp/other');
      expect(otherLine).toContain(`otlphttp/other → ${otherUrl}`);
      expect(otherLine).toContain('level minimal (exporter capped at minimal) · queue 0 batch(es), 0 B');
      expect(otherLine).toContain('not sending: the consent receipt names another endpoint');
      expect(otherLine).not.toContain('last error');

      await expect(page.getByTestId('sharing-summary').textContent()).resolves.toBe(`${downUrl} at level standard`);
      expect(pageErrors).toEqual([]);
    },
    TEST_MILLIS,
  );
});
