import { createServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PERSONAL_DATA_CANARIES, needleForms } from '@prism-telemetry/privacy';
import {
  REPO_ROOT,
  isolatedEnv,
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
} from './support/dashboard-http.js';
import { expectPromtoolAccepts } from './support/promtool.js';

/**
 * `start --otel-config otel-config/prometheus.yaml` (a copy with a free port, as a user would edit it): the
 * agent serves its privacy-filtered metrics, the dashboard's `/metrics` text, on that port of 127.0.0.1 only.
 */

const canaries = PERSONAL_DATA_CANARIES.map((c) => c.value);

/** A port free right now: listen on 0, note the port, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** otel-config/prometheus.yaml with another port, written next to the test's data. */
async function prometheusYaml(dir: string, port: number): Promise<string> {
  const text = await readFile(path.join(REPO_ROOT, 'otel-config', 'prometheus.yaml'), 'utf8');
  expect(text).toContain('port: 9464');
  const file = path.join(dir, 'prometheus.yaml');
  await writeFile(file, text.replace('port: 9464', `port: ${port}`));
  return file;
}

const typeLines = (body: string): string[] => [...body.matchAll(/^# TYPE .*$/gm)].map((m) => m[0]).sort();

describe('start --otel-config otel-config/prometheus.yaml', () => {
  let agent: RunningAgent | undefined;
  let port: number;
  let dashboardPort: number;
  let dataDir: string;
  const env = isolatedEnv({
    OTEL_RESOURCE_ATTRIBUTES: `user.email=${encodeURIComponent(canaries[0]!)},host.ip=${canaries[2]}`,
    OTEL_SERVICE_NAME: 'carolcanary-service',
    HOSTNAME: 'davecanary-laptop',
    USER: 'erincanary',
  });
  const scrape = (options: { host?: string; path?: string } = {}) =>
    rawRequest(port, { path: options.path ?? '/metrics', headers: { Host: options.host ?? `127.0.0.1:${port}` } });

  beforeAll(async () => {
    const dir = await tempDir('prism-otel-prometheus-');
    dataDir = path.join(dir, 'home', 'carolcanary', 'data');
    port = await freePort();
    const otel = await prometheusYaml(dir, port);
    agent = await startAgent(['--config', await writeConfig(dir), '--data-dir', dataDir, '--otel-config', otel], env);
    ({ port: dashboardPort } = parseDashboardUrl(printedDashboardUrl(agent.output().stdout)!));
    await waitFor(async () => (await scrape()).body.includes('system_cpu_utilization{'), 15_000, 'a first sample');
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
  });

  it('serves Prometheus text that promtool accepts, and says where', async () => {
    expect(agent!.output().stderr).toContain(
      `prometheus: serving /metrics url=http://127.0.0.1:${port}/metrics reader=meter_provider.readers[0]`,
    );
    const { status, headers, body } = await scrape();
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).toMatch(/^# TYPE system_cpu_time_total counter$/m);
    expect(body).toMatch(/^# TYPE system_memory_usage gauge$/m);
    await expectPromtoolAccepts(body);
  });

  it("is the dashboard's /metrics: the same families, through the same privacy policy, no personal data", async () => {
    await waitFor(
      async () => {
        const [own, dashboard] = [await scrape(), await rawRequest(dashboardPort, { path: '/metrics' })];
        return JSON.stringify(typeLines(own.body)) === JSON.stringify(typeLines(dashboard.body));
      },
      10_000,
      'the two pages to list the same metric families',
    );
    const { body } = await scrape();
    for (const canary of PERSONAL_DATA_CANARIES) {
      for (const form of needleForms(canary.needle)) expect(body, canary.kind).not.toContain(form);
    }
    for (const planted of ['carolcanary', 'davecanary', 'erincanary']) expect(body).not.toContain(planted);
    const names = new Set(DEFAULT_POLICY.metrics.map((m) => m.name.replace(/[^a-zA-Z0-9_]/g, '_')));
    for (const [, name] of body.matchAll(/^# TYPE (\S+) /gm)) {
      if (name === 'target_info') continue;
      expect(names.has(name!.replace(/_total$|_value$/, '')), name).toBe(true);
    }
  });

  it('answers 403 to a foreign Host and 404 off /metrics; no token, no CORS', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${dashboardPort}`]) {
      const refused = await scrape({ host });
      expect(refused.status, host).toBe(403);
      expect(refused.body).not.toContain('system_');
    }
    for (const other of ['/', '/healthz', '/api/overview', '/metrics/']) {
      expect((await scrape({ path: other })).status, other).toBe(404);
    }
    const ok = await scrape({ host: `localhost:${port}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(ok.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('is bound to loopback only: from every other address of this machine the port is closed', async () => {
    await expectClosedOnOtherAddresses(port);
    expect(agent!.output().stderr).not.toContain('NOT LOOPBACK');
  });

  it('shows nothing in mode off, like the dashboard', async () => {
    expect((await runCli(['mode', 'off', '--data-dir', dataDir], { env })).code).toBe(0);
    await waitFor(async () => (await scrape()).body === '', 10_000, 'an empty page in mode off');
    expect((await runCli(['mode', 'local', '--data-dir', dataDir], { env })).code).toBe(0);
    await waitFor(async () => (await scrape()).body.includes('system_cpu_utilization{'), 10_000, 'samples again');
  });
});

describe('start --otel-config with a Prometheus port that is not free', () => {
  it("refuses the dashboard's own port, naming the key; exit 2 and nothing left listening", async () => {
    const dir = await tempDir('prism-otel-prometheus-');
    const port = await freePort();
    const config = await writeConfig(dir, { dashboard: { endpoint: `127.0.0.1:${port}` } });
    const otel = await prometheusYaml(dir, port);
    const run = await runCli(
      ['start', '--config', config, '--data-dir', path.join(dir, 'data'), '--otel-config', otel],
      {
        env: isolatedEnv(),
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `prometheus.yaml: meter_provider.readers[0].pull.exporter.prometheus/development.port: ${port} is the dashboard's own port, which serves /metrics already`,
    );
    expect(run.stderr).toContain('PT_ERR_OTEL_CONFIG');
    await expect(rawRequest(port, { path: '/metrics' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
