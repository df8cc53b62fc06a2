import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PERSONAL_DATA_CANARIES, needleForms } from '@prism-telemetry/privacy';
import { isolatedEnv, runCli, startAgent, tempDir, waitFor, writeConfig, type RunningAgent } from './support/cli.js';
import { parseDashboardUrl, printedDashboardUrl, rawRequest } from './support/dashboard-http.js';
import { expectPromtoolAccepts } from './support/promtool.js';

/**
 * `/metrics` of a real agent: Prometheus text that promtool accepts, the same privacy policy as the files,
 * `target_info` with only the resource attributes the policy allows, and none of the personal data planted in
 * the agent's environment. It follows the agent through mode off and `delete --all`.
 */

const canaries = PERSONAL_DATA_CANARIES.map((c) => c.value);

const promName = (key: string): string => key.replace(/[^a-zA-Z0-9_]/g, '_');

function labelsOf(line: string): Record<string, string> {
  const inner = /\{(.*)\}/.exec(line)?.[1] ?? '';
  return Object.fromEntries(
    [...inner.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
  );
}

describe('/metrics of a running agent', () => {
  let dataDir: string;
  let agent: RunningAgent | undefined;
  let port: number;
  const env = isolatedEnv({
    OTEL_RESOURCE_ATTRIBUTES: `user.email=${encodeURIComponent(canaries[0]!)},host.ip=${canaries[2]},card=${encodeURIComponent(canaries[16]!)}`,
    OTEL_SERVICE_NAME: 'carolcanary-service',
    HOSTNAME: 'davecanary-laptop',
    USER: 'erincanary',
  });
  const scrape = async (): Promise<{ status: number; type: string | undefined; body: string }> => {
    const r = await rawRequest(port, { path: '/metrics' });
    return { status: r.status, type: r.headers['content-type'], body: r.body };
  };

  beforeAll(async () => {
    const dir = await tempDir('prism-dashboard-metrics-');
    dataDir = path.join(dir, 'home', 'carolcanary', 'data');
    agent = await startAgent(['--config', await writeConfig(dir), '--data-dir', dataDir], env);
    ({ port } = parseDashboardUrl(printedDashboardUrl(agent.output().stdout)!));
    await waitFor(async () => (await scrape()).body.includes('system_cpu_utilization{'), 10_000, 'a first sample');
  });

  afterAll(async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
  });

  it('serves Prometheus text that promtool accepts', async () => {
    const { status, type, body } = await scrape();
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).toMatch(/^# TYPE system_cpu_time_total counter$/m);
    expect(body).toMatch(/^# TYPE system_memory_usage gauge$/m);
    await expectPromtoolAccepts(body);
  });

  it('puts only the resource attributes the policy allows into target_info, and no personal data anywhere', async () => {
    const { body } = await scrape();
    const targets = body.split('\n').filter((l) => l.startsWith('target_info'));
    expect(targets).toHaveLength(1);
    const allowed = new Set([...DEFAULT_POLICY.resource.map((r) => promName(r.key)), 'prism_privacy_level']);
    const labels = labelsOf(targets[0]!);
    expect(Object.keys(labels).filter((k) => !allowed.has(k))).toEqual([]);
    expect(labels).toMatchObject({ service_name: 'prism-telemetry-agent', prism_privacy_level: 'standard' });
    for (const canary of PERSONAL_DATA_CANARIES) {
      for (const form of needleForms(canary.needle)) expect(body, canary.kind).not.toContain(form);
    }
    for (const planted of ['carolcanary', 'davecanary', 'erincanary']) expect(body).not.toContain(planted);
    // Every metric on the page is one the policy names at this level.
    const names = new Set(DEFAULT_POLICY.metrics.map((m) => promName(m.name)));
    for (const [, name] of body.matchAll(/^# TYPE (\S+) /gm)) {
      if (name === 'target_info') continue;
      expect(names.has(name!.replace(/_total$|_value$/, '')), name).toBe(true);
    }
  });

  it('shows nothing in mode off, and follows the agent through `delete --all`', async () => {
    expect((await runCli(['mode', 'off', '--data-dir', dataDir], { env })).code).toBe(0);
    await waitFor(async () => (await scrape()).body === '', 10_000, 'an empty page in mode off');
    expect((await runCli(['mode', 'local', '--data-dir', dataDir], { env })).code).toBe(0);
    await waitFor(async () => (await scrape()).body.includes('system_cpu_utilization{'), 10_000, 'samples again');
    const deleted = await runCli(['delete', '--all', '--yes', '--data-dir', dataDir], { env });
    expect(deleted.code, deleted.stderr).toBe(0);
    await waitFor(
      async () => agent!.output().stderr.includes('pipelines rebuilt'),
      10_000,
      'the agent to rebuild its pipelines',
    );
    await waitFor(
      async () => (await scrape()).body.includes('system_cpu_utilization{'),
      10_000,
      'samples after delete',
    );
    expect((await scrape()).status).toBe(200);
  });
});
