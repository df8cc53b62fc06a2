import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollectServer, type CollectServer } from './support/collect-server.js';
import { REPO_ROOT, isolatedEnv, readMetricFiles, startAgent, tempDir, waitFor, writeConfig } from './support/cli.js';
import { rawRequest } from './support/dashboard-http.js';

const servers: CollectServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A port free right now: listen on 0, note the port, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Copies a shipped otel-config file over the one the agent is started with, as a user would edit it. */
async function useShipped(name: string, target: string, replace: [string, string][] = []): Promise<void> {
  let text = await readFile(path.join(REPO_ROOT, 'otel-config', name), 'utf8');
  for (const [from, to] of replace) text = text.replace(from, to);
  await writeFile(target, text);
}

describe('switching exporters by editing only the otel-config file', () => {
  it('file -> console -> OTLP/HTTP -> Prometheus, each proven by where the data arrives', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const config = await writeConfig(dir, { interval: '1s' });
    const otel = path.join(dir, 'otel.yaml');
    const env = isolatedEnv({ PRISM_OTEL_INTERVAL: '1000' });
    const run = async (until: (stdout: string) => Promise<boolean>, what: string) => {
      const agent = await startAgent(['--config', config, '--data-dir', dataDir, '--otel-config', otel], env);
      try {
        await waitFor(() => until(agent.output().stdout), 15_000, what);
      } finally {
        agent.child.kill('SIGTERM');
      }
      expect((await agent.exited).code).toBe(0);
      return agent.output();
    };
    const storedLines = async () => [...(await readMetricFiles(dataDir)).values()].flat().length;

    await useShipped('file.yaml', otel);
    await run(async () => (await storedLines()) >= 1, 'a line in the local store');
    const afterFile = await storedLines();

    await useShipped('console.yaml', otel);
    await run(async (stdout) => stdout.includes('system.memory.utilization'), 'metrics on stdout');
    expect(await storedLines()).toBe(afterFile);

    const server = await startCollectServer();
    servers.push(server);
    await useShipped('otlp-http.yaml', otel, [['http://127.0.0.1:4318', server.url]]);
    await run(async () => server.requests.some((r) => r.path === '/v1/metrics'), 'a POST to the local server');
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/metrics' });
    expect(await storedLines()).toBe(afterFile);

    const port = await freePort();
    await useShipped('prometheus.yaml', otel, [['port: 9464', `port: ${port}`]]);
    const scraped = async () => (await rawRequest(port, { path: '/metrics' }).catch(() => ({ body: '' }))).body;
    const posts = server.requests.length;
    await run(async () => (await scraped()).includes('system_memory_utilization{'), 'a scrape of /metrics');
    expect(await storedLines()).toBe(afterFile);
    expect(server.requests).toHaveLength(posts);
  });
});
