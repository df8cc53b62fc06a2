import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetricFiles, startAgent, tempDir, waitFor } from './support/cli.js';

interface Line {
  resourceMetrics: Array<{
    scopeMetrics: Array<{
      metrics: Array<{ name: string; gauge?: { dataPoints: Array<{ asDouble?: number; asInt?: number }> } }>;
    }>;
  }>;
}

/** The latest `prism.system.status` value stored: 0 healthy, 1 degraded, 2 critical. */
async function latestStatus(dataDir: string): Promise<number | undefined> {
  let status: number | undefined;
  for (const line of [...(await readMetricFiles(dataDir)).values()].flat()) {
    for (const rm of (JSON.parse(line) as Line).resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.name === 'prism.system.status') {
            const p = m.gauge!.dataPoints[0]!;
            status = Number(p.asDouble ?? p.asInt);
          }
  }
  return status;
}

async function alertStates(dataDir: string): Promise<string[]> {
  const file = path.join(dataDir, 'alerts', `${new Date().toISOString().slice(0, 10)}.jsonl`);
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { alert: string; state: string })
    .filter((e) => e.alert === 'service_down' && e.state !== 'pending')
    .map((e) => e.state);
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('a dependency goes down and comes back', () => {
  it('status turns degraded and service_down fires within its `for`; then healthy and resolved once', async () => {
    // The "local service" this test runs: a TCP server the agent probes every second.
    let service = createServer((socket) => socket.end());
    const port = await listen(service);
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'receivers:',
        '  hostmetrics: { collection_interval: 1s }',
        `  tcpcheck/svc: { endpoint: "127.0.0.1:${port}", collection_interval: 1s, timeout: 500ms }`,
        'exporters:',
        '  file: {}',
        '  alerts:',
        // Only this rule: the built-in ones (cpu_high...) would react to a busy test machine.
        '    defaults: false',
        '    rules:',
        "      - { name: service_down, metric: prism.service.up, condition: '==', threshold: 0, for: 2s, severity: warning, summary: 'service {{service}} is down' }",
        'service:',
        '  pipelines:',
        '    metrics: { receivers: [hostmetrics, tcpcheck/svc], exporters: [file, alerts] }',
        '',
      ].join('\n'),
    );
    const agent = await startAgent(['--config', config, '--data-dir', dataDir]);
    try {
      await waitFor(async () => (await latestStatus(dataDir)) === 0, 15_000, 'status healthy while the service is up');

      const stoppedAt = Date.now();
      service.close();
      await waitFor(async () => (await alertStates(dataDir)).includes('firing'), 15_000, 'service_down firing');
      // Fires after its 2 s `for`, within a few collection intervals.
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2000);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      await waitFor(async () => (await latestStatus(dataDir)) === 1, 10_000, 'status degraded');

      service = createServer((socket) => socket.end());
      await listen(service, port);
      await waitFor(async () => (await alertStates(dataDir)).includes('resolved'), 15_000, 'service_down resolved');
      await waitFor(async () => (await latestStatus(dataDir)) === 0, 10_000, 'status healthy again');
      // Let a few more cycles pass: the episode is recorded once, no storm.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await alertStates(dataDir)).toEqual(['firing', 'resolved']);
      expect(agent.output().stderr).toContain('service "svc"');
    } finally {
      agent.child.kill('SIGTERM');
      expect((await agent.exited).code).toBe(0);
      service.close();
    }
  });
});
