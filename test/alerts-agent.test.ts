import { once } from 'node:events';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetricFiles, runCli, startAgent, tempDir, waitFor } from './support/cli.js';

async function listen(handler: (body: string) => string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => res.end(handler(body)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a running agent with applevel and alerts', () => {
  it('polls the level, fires a local alert to file, stderr and a loopback webhook, and records the status', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    let level = 72.5;
    const app = await listen(() => JSON.stringify({ consciousness_level: level }));
    const hooks: Array<{ alert: string; state: string }> = [];
    const hook = await listen((body) => {
      hooks.push(JSON.parse(body) as { alert: string; state: string });
      return '';
    });
    const config = path.join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'receivers:',
        '  hostmetrics: { collection_interval: 1s }',
        '  applevel/app:',
        `    endpoint: ${app.url}/consciousness/level`,
        '    json_path: consciousness_level',
        '    collection_interval: 1s',
        '    window: 1m',
        '    staleness: 1s',
        'exporters:',
        '  file: {}',
        '  alerts:',
        // Only this test's rule: the built-in ones (cpu_high...) would react to a busy test machine.
        '    defaults: false',
        `    webhook: ${hook.url}/alerts`,
        '    rules:',
        "      - { name: level_high, metric: prism.app.level, condition: '>', threshold: 50, severity: warning, summary: 'level {{value}}' }",
        'service:',
        '  pipelines:',
        '    metrics: { receivers: [hostmetrics, applevel/app], exporters: [file, alerts] }',
        '',
      ].join('\n'),
    );
    const agent = await startAgent(['--config', config, '--data-dir', dataDir]);
    try {
      await waitFor(() => hooks.length > 0, 15_000, 'the webhook to receive the firing event');
      level = 10;
      await waitFor(() => hooks.length > 1, 15_000, 'the resolved event');
      expect(hooks.map((h) => `${h.alert}:${h.state}`)).toEqual(['level_high:firing', 'level_high:resolved']);
      expect(agent.output().stderr).toMatch(/alert firing level_high severity=warning value=72\.5: level 72\.5/);
    } finally {
      agent.child.kill('SIGTERM');
      expect((await agent.exited).code).toBe(0);
      await app.close();
      await hook.close();
    }
    const alertFiles = await readdir(path.join(dataDir, 'alerts'));
    expect(alertFiles).toHaveLength(1);
    expect((await stat(path.join(dataDir, 'alerts', alertFiles[0]!))).mode & 0o777).toBe(0o600);
    const lines = (await readFile(path.join(dataDir, 'alerts', alertFiles[0]!), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { state: string }).state)).toEqual(['firing', 'resolved']);

    const files = await readMetricFiles(dataDir);
    const all = [...files.values()].flat().join('\n');
    for (const name of ['prism.app.level', 'prism.app.functional', 'prism.system.status'])
      expect(all).toContain(`"${name}"`);
    expect([...files.keys()].some((k) => k.startsWith('metrics/level/'))).toBe(true);

    const listed = await runCli(['alerts', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      firing: [],
      recent: [{ state: 'firing' }, { state: 'resolved' }],
    });
  });
});
