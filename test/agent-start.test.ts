import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOtlpJsonRequest } from '@prism-telemetry/agent';
import { DEFAULT_POLICY, levelIncludes } from '@prism-telemetry/privacy';
import {
  readMetricFiles,
  runCli,
  startAgent,
  tempDir,
  waitFor,
  writeConfig,
  type RunningAgent,
} from './support/cli.js';

const running: RunningAgent[] = [];
afterEach(() => {
  for (const agent of running.splice(0)) agent.child.kill('SIGKILL');
});

interface OtlpLine {
  resourceMetrics: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeMetrics: Array<{ metrics: Array<{ name: string }> }>;
  }>;
}

const metricNames = (line: OtlpLine): string[] =>
  line.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));

describe('prism-telemetry start', () => {
  it('writes OTLP-JSON lines under the documented paths, decodable with the official schema', async () => {
    const dir = await tempDir();
    const config = await writeConfig(dir, { level: 'standard', interval: '1s' });
    const agent = await startAgent(['--config', config, '--data-dir', `${dir}/data`]);
    running.push(agent);
    expect(agent.output().stdout).toContain('nothing leaves this machine');

    const today = new Date().toISOString().slice(0, 10);
    const healthFile = `metrics/health/${today}.jsonl`;
    await waitFor(
      async () => ((await readMetricFiles(`${dir}/data`)).get(healthFile)?.length ?? 0) >= 2,
      15_000,
      'two records in the health file',
    );
    agent.child.kill('SIGTERM');
    const { code } = await agent.exited;
    expect(code).toBe(0);

    const files = await readMetricFiles(`${dir}/data`);
    expect([...files.keys()]).toEqual([healthFile]);
    const lines = files.get(healthFile)!.map((l) => JSON.parse(l) as OtlpLine);
    for (const line of lines) expect(checkOtlpJsonRequest(line)).toEqual([]);

    const allowed = new Set(
      DEFAULT_POLICY.metrics.filter((m) => levelIncludes('standard', m.minLevel)).map((m) => m.name),
    );
    const seen = new Set(lines.flatMap(metricNames));
    for (const name of seen) expect(allowed).toContain(name);
    for (const expected of [
      'system.cpu.utilization',
      'system.memory.utilization',
      'system.uptime',
      'prism.agent.uptime',
    ]) {
      expect(seen).toContain(expected);
    }
    expect(seen).not.toContain('system.network.errors');

    const resourceKeys = new Set(
      lines.flatMap((l) => l.resourceMetrics.flatMap((r) => r.resource.attributes.map((a) => a.key))),
    );
    for (const forbidden of [
      'host.name',
      'host.id',
      'process.owner',
      'process.command_args',
      'process.executable.path',
    ]) {
      expect(resourceKeys).not.toContain(forbidden);
    }
  });

  it('refuses a second agent on the same data directory', async () => {
    const dir = await tempDir();
    const config = await writeConfig(dir);
    const first = await startAgent(['--config', config, '--data-dir', `${dir}/data`]);
    running.push(first);
    const second = await runCli(['start', '--config', config, '--data-dir', `${dir}/data`]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('PT_ERR_LOCKED');
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });

  it('exits 1 with PT_ERR_RECEIVER_LISTEN when an OTLP receiver cannot listen, leaving no receiver running', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const dir = await tempDir();
      const config = path.join(dir, 'config.yaml');
      await writeFile(
        config,
        [
          'telemetry: { dashboard: { endpoint: "127.0.0.1:0" } }',
          `receivers: { hostmetrics: { collection_interval: 1s }, otlp: { endpoint: "127.0.0.1:${port}" } }`,
          'exporters: { file: {} }',
          'service: { pipelines: { metrics/local: { receivers: [hostmetrics, otlp], exporters: [file] } } }',
          '',
        ].join('\n'),
      );
      const run = await runCli(['start', '--config', config, '--data-dir', `${dir}/data`]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain('PT_ERR_RECEIVER_LISTEN');
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      expect(run.stdout).not.toContain('agent running');
      // The data directory's lock was released: a second start gets the same answer, not PT_ERR_LOCKED.
      const again = await runCli(['start', '--config', config, '--data-dir', `${dir}/data`]);
      expect(again.stderr).toContain('PT_ERR_RECEIVER_LISTEN');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('exits by itself after SIGTERM and SIGINT, flushing on the way out', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dir = await tempDir();
      const config = await writeConfig(dir, { interval: '1h' });
      const agent = await startAgent(['--config', config, '--data-dir', `${dir}/data`]);
      running.push(agent);
      agent.child.kill(signal);
      const { code } = await agent.exited;
      expect(code).toBe(0);
      // With a 1 h interval, the only record is the one written by the flush at shutdown.
      const files = await readMetricFiles(`${dir}/data`);
      expect([...files.values()].flat().length).toBeGreaterThanOrEqual(1);
    }
  });
});
