/**
 * Takes docs/dashboard.png: a real agent with real data, in real headless chromium.
 *
 *   node --import tsx scripts/dashboard-screenshot.ts [--seconds 60] [--out docs/dashboard.png] [--dark]
 *
 * The agent gets a temporary data directory and collects, every second, host metrics, an application level
 * from a small local JSON server (slowly growing), and probes of the local Redis (127.0.0.1:6379), PostgreSQL
 * (127.0.0.1:5432, database `test`) and a Neo4j that does not run here, so the page shows a service down and
 * its alert. The charts keep one point per 6 s over the default 1 h range, hence a minute of collection.
 * Nothing leaves the machine.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findDashboardUrl, launchBrowser } from '../test/support/browser.js';
import { isolatedEnv, readMetricFiles, REPO_ROOT, startAgent, tempDir, waitFor } from '../test/support/cli.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'docs/dashboard.png') },
    dark: { type: 'boolean', default: false },
  },
});
const collectMillis = Number(values.seconds) * 1000;

function config(levelUrl: string): string {
  return `telemetry:
  privacy_level: standard
  dashboard:
    endpoint: 127.0.0.1:0
receivers:
  hostmetrics:
    collection_interval: 1s
  applevel/app:
    endpoint: ${levelUrl}
    json_path: level
    collection_interval: 1s
    window: 1m
    staleness: 5s
  redis/cache:
    endpoint: redis://127.0.0.1:6379
    collection_interval: 1s
  postgresql/db:
    endpoint: postgresql://postgres@127.0.0.1:5432/test
    collection_interval: 1s
  neo4j/graph:
    endpoint: bolt://127.0.0.1:7687
    collection_interval: 1s
    timeout: 500ms
exporters:
  file: {}
  alerts:
    # The warning below replaces the built-in critical service_down (which waits 1 m), so the picture shows a
    # degraded system rather than a critical one.
    disable: [service_down]
    rules:
      - name: graph_unreachable
        metric: prism.service.up
        condition: '=='
        threshold: 0
        for: 3s
        severity: warning
        summary: '{{service}} does not answer'
        match: { prism.service: graph }
service:
  pipelines:
    metrics/local:
      receivers: [hostmetrics, applevel/app, redis/cache, postgresql/db, neo4j/graph]
      processors: [privacy]
      exporters: [file, alerts]
`;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const levelServer = createServer((_req, res) => {
    const seconds = (Date.now() - startedAt) / 1000;
    const level = 42 + seconds * 0.4 + Math.sin(seconds / 2) * 0.8;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ level: Math.round(level * 10) / 10 }));
  });
  await new Promise<void>((resolve) => levelServer.listen(0, '127.0.0.1', resolve));
  const levelUrl = `http://127.0.0.1:${(levelServer.address() as AddressInfo).port}/level`;

  const dir = await tempDir('prism-screenshot-');
  const dataDir = path.join(dir, 'data');
  const configFile = path.join(dir, 'config.yaml');
  await writeFile(configFile, config(levelUrl));
  const env = isolatedEnv();
  delete env.DO_NOT_TRACK;
  delete env.PRISM_TELEMETRY_DISABLED;
  const agent = await startAgent(['--config', configFile, '--data-dir', dataDir], env);
  const browser = await launchBrowser({
    viewport: { width: 1280, height: 900 },
    colorScheme: values.dark ? 'dark' : 'light',
  });
  try {
    await waitFor(() => findDashboardUrl(agent.output().stdout) !== undefined, 30_000, 'the dashboard URL');
    const url = findDashboardUrl(agent.output().stdout)!;
    await waitFor(async () => (await readMetricFiles(dataDir)).size > 0, 30_000, 'the first metric files');
    console.log(`collecting for ${collectMillis / 1000} s ...`);
    await new Promise((resolve) => setTimeout(resolve, collectMillis));

    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(url);
    // Locators only: a string predicate would be eval'd in the page, which its CSP forbids.
    await page.locator('body[data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="chart"] canvas').nth(2).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: values.out, fullPage: false });
    console.log(`wrote ${values.out}`);
  } finally {
    await browser.close();
    agent.child.kill('SIGTERM');
    await agent.exited;
    await new Promise((resolve) => levelServer.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
