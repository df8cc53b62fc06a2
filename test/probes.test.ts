import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needleForms } from '@prism-telemetry/privacy';
import { readAllFiles, readMetricFiles, startAgent, tempDir, waitFor, type RunningAgent } from './support/cli.js';

const CANARY = 's3cretCanary';
const SERVICES = { Redis: { host: '127.0.0.1', port: 6379 }, PostgreSQL: { host: '127.0.0.1', port: 5432 } };

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpLine {
  resourceMetrics: Array<{
    scopeMetrics: Array<{
      metrics: Array<{
        name: string;
        gauge?: { dataPoints: Array<{ attributes?: OtlpAttribute[]; asDouble?: number; asInt?: number | string }> };
      }>;
    }>;
  }>;
}

/** Fails (never skips) when a service every machine of this kind runs is missing: see REFERENCE.md. */
async function requireService(name: string, target: { host: string; port: number }): Promise<void> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect(target);
    socket.setTimeout(2_000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('close', () => resolve(false));
    socket.once('error', () => resolve(false));
  });
  if (!reachable) {
    throw new Error(`${name} is not reachable at ${target.host}:${target.port}; this test needs the real ${name}`);
  }
}

/** A port on 127.0.0.1 that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `prism.service` -> the latest `prism.service.up` value, over every stored line. */
function latestUp(lines: OtlpLine[]): Map<string, number> {
  const up = new Map<string, number>();
  for (const line of lines)
    for (const resource of line.resourceMetrics)
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) {
          if (metric.name !== 'prism.service.up') continue;
          for (const point of metric.gauge?.dataPoints ?? []) {
            const service = point.attributes?.find((a) => a.key === 'prism.service')?.value.stringValue;
            if (service !== undefined) up.set(service, Number(point.asDouble ?? point.asInt));
          }
        }
  return up;
}

const running: RunningAgent[] = [];
afterEach(() => {
  for (const agent of running.splice(0)) agent.child.kill('SIGKILL');
});

describe('service probes through the real agent', () => {
  beforeAll(async () => {
    for (const [name, target] of Object.entries(SERVICES)) await requireService(name, target);
  });

  it('stores prism.service.up for the real Redis and PostgreSQL and a closed port; the connection-string password is nowhere', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'receivers:',
        '  redis/cache:',
        `    endpoint: redis://:${CANARY}@127.0.0.1:6379`,
        '    collection_interval: 1s',
        '  postgresql/db:',
        `    endpoint: postgres://postgres:${CANARY}@127.0.0.1:5432/test`,
        '    collection_interval: 1s',
        '    latency_threshold: 250ms',
        '  redis/gone:',
        `    endpoint: redis://:${CANARY}@127.0.0.1:${await closedPort()}`,
        '    collection_interval: 1s',
        'exporters:',
        '  file: {}',
        'service:',
        '  pipelines:',
        '    metrics/local:',
        '      receivers: [redis/cache, postgresql/db, redis/gone]',
        '      processors: [privacy]',
        '      exporters: [file]',
        '',
      ].join('\n'),
    );
    const agent = await startAgent(['--config', config, '--data-dir', dataDir]);
    running.push(agent);

    const stored = async (): Promise<OtlpLine[]> =>
      [...(await readMetricFiles(dataDir)).values()].flat().map((l) => JSON.parse(l) as OtlpLine);
    await waitFor(
      async () => {
        const up = latestUp(await stored());
        return up.get('cache') === 1 && up.get('db') === 1 && up.get('gone') === 0;
      },
      15_000,
      'prism.service.up = 1 for cache and db, 0 for gone, in the stored lines',
    );
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);

    const up = latestUp(await stored());
    expect(Object.fromEntries(up)).toEqual({ cache: 1, db: 1, gone: 0 });
    const { stdout, stderr } = agent.output();
    expect(stderr).toContain('service "cache": up');
    expect(stderr).toContain('service "db": up');
    expect(stderr).toContain('service "gone": connection refused');
    const haystacks = [stdout, stderr, ...[...(await readAllFiles(dataDir)).values()].map((b) => b.toString('latin1'))];
    for (const form of needleForms(CANARY)) {
      for (const text of haystacks) expect(text).not.toContain(form);
    }
  });
});
