import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConsentedState } from './support/consent.js';
import { isolatedEnv, runCli, startAgent, tempDir, waitFor, type RunningAgent } from './support/cli.js';

/** A Corrective Drift stand-in on 127.0.0.1 whose answer the test switches: 503 (down) or 200 (up). */
interface Endpoint {
  url: string;
  status: number;
  requests: number;
  accepted: number;
  clusterIds: Set<string>;
  close(): Promise<void>;
}

async function startEndpoint(): Promise<Endpoint> {
  const state = { status: 503, requests: 0, accepted: 0, clusterIds: new Set<string>() };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      state.clusterIds.add(String(req.headers['x-prism-cluster-id']));
      if (state.status === 200) state.accepted++;
      res.writeHead(state.status, { 'content-type': 'application/x-protobuf', 'retry-after': '1' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1/collect`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup() {
  const endpoint = await startEndpoint();
  cleanup.push(() => endpoint.close());
  const dir = await tempDir('prism-sharing-queue-');
  const dataDir = path.join(dir, 'data');
  const config = path.join(dir, 'share.yaml');
  await writeFile(
    config,
    [
      'telemetry: { privacy_level: standard, sharing: { enabled: true }, dashboard: { enabled: false } }',
      'receivers: { hostmetrics: { collection_interval: 1s } }',
      'exporters:',
      '  otlphttp:',
      `    endpoint: "${endpoint.url}"`,
      '    sending_queue: { flush_interval: 1s }',
      '    retry_on_failure: { max_retries: 1, initial_interval: 100ms, max_interval: 200ms }',
      'service: { pipelines: { metrics/share: { receivers: [hostmetrics], exporters: [otlphttp] } } }',
      '',
    ].join('\n'),
  );
  await writeConsentedState(dataDir, endpoint.url, 'minimal');
  const env = isolatedEnv();
  const args = ['--config', config, '--data-dir', dataDir];
  const start = async (): Promise<RunningAgent> => {
    const agent = await startAgent(args, env);
    cleanup.push(() => void agent.child.kill('SIGKILL'));
    return agent;
  };
  const status = async () => {
    const run = await runCli(['status', '--json', ...args], { env });
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as {
      sharing: Array<{
        level: string;
        queue: {
          depthRecords: number;
          lastSuccessAt: string | null;
          lastError: { reason: string } | null;
          counts: { sentRecords: number; retries: number; dropped: Record<string, number> };
        } | null;
      }>;
    };
  };
  return { endpoint, dataDir, args, env, start, status };
}

describe('sharing through the durable queue (real agent, real endpoint on 127.0.0.1)', () => {
  it('keeps data queued through an outage and a SIGTERM, sends it after restart, and status shows the queue', async () => {
    const { endpoint, start, status } = await setup();
    const first = await start();
    // The queue's stats file is rewritten after each attempt: wait for one that has seen a retry, not just a
    // first failure (on a loaded machine the retry can land after the third batch is queued).
    await waitFor(
      async () => {
        const queue = (await status()).sharing[0]?.queue;
        return (queue?.depthRecords ?? 0) >= 3 && (queue?.counts.retries ?? 0) > 0;
      },
      20_000,
      '3 queued batches and a retry',
    );
    const during = (await status()).sharing[0]!;
    expect(during.level).toBe('minimal');
    expect(during.queue!.lastError?.reason).toBe('http_503');
    expect(during.queue!.counts.retries).toBeGreaterThan(0);
    expect(endpoint.accepted).toBe(0);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const queued = (await status()).sharing[0]!.queue!.depthRecords;
    expect(queued).toBeGreaterThanOrEqual(3);

    endpoint.status = 200;
    const second = await start();
    await waitFor(
      async () => ((await status()).sharing[0]?.queue?.counts.sentRecords ?? 0) >= queued,
      20_000,
      'the queued batches delivered',
    );
    const after = (await status()).sharing[0]!.queue!;
    expect(after.lastSuccessAt).not.toBeNull();
    expect(Object.values(after.counts.dropped).every((n) => n === 0)).toBe(true);
    expect(endpoint.accepted).toBeGreaterThanOrEqual(1);
    // One anonymous id per install, never a host name: 32 hex characters.
    expect([...endpoint.clusterIds]).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('revoking consent while batches are queued empties the queue, and nothing more reaches the endpoint', async () => {
    const { endpoint, start, status, args, env } = await setup();
    const agent = await start();
    await waitFor(async () => ((await status()).sharing[0]?.queue?.depthRecords ?? 0) >= 2, 20_000, '2 queued batches');
    const disabled = await runCli(['disable', ...args], { env });
    expect(disabled.code, disabled.stderr).toBe(0);
    // From the moment `disable` returns, the endpoint would accept anything: nothing may reach it.
    endpoint.status = 200;
    const requests = endpoint.requests;
    await waitFor(async () => (await status()).sharing[0]?.queue?.depthRecords === 0, 10_000, 'the queue emptied');
    await new Promise((resolve) => setTimeout(resolve, 3000)); // three flush intervals
    expect(endpoint.requests).toBe(requests);
    expect(endpoint.accepted).toBe(0);
    expect((await status()).sharing[0]?.queue?.counts.dropped['revoked']).toBeGreaterThanOrEqual(2);
    agent.child.kill('SIGTERM');
    await agent.exited;
  });

  it('`flush` sends what is queued, from a running agent or with none, and says what it did', async () => {
    const { endpoint, start, status, args, env } = await setup();
    const agent = await start();
    await waitFor(async () => ((await status()).sharing[0]?.queue?.depthRecords ?? 0) >= 1, 20_000, 'a queued batch');
    const down = await runCli(['flush', '--json', ...args], { env });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout).exporters[0].report).toMatchObject({ stoppedBy: 'retries_exhausted' });
    agent.child.kill('SIGTERM');
    await agent.exited;

    endpoint.status = 200;
    const up = await runCli(['flush', ...args], { env });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^otlphttp: sent \d+ batch\(es\) in \d+ request\(s\).*0 still queued; queue empty/m);
    expect(endpoint.accepted).toBeGreaterThanOrEqual(1);
    expect((await status()).sharing[0]?.queue?.depthRecords).toBe(0);
  });
});

describe('show names each sharing exporter and the widest level it can send', () => {
  it('the pipeline level, narrowed by the exporter privacy_level', async () => {
    const dir = await tempDir('prism-show-sharing-');
    const config = path.join(dir, 'share.yaml');
    const write = (exporterLevel: string) =>
      writeFile(
        config,
        [
          'telemetry: { privacy_level: detailed, sharing: { enabled: true } }',
          'receivers: { hostmetrics: {} }',
          `exporters: { otlphttp: { endpoint: "https://collector.example/v1/collect"${exporterLevel} } }`,
          'processors: { privacy/share: { level: standard } }',
          'service: { pipelines: { metrics/share: { receivers: [hostmetrics], processors: [privacy/share], exporters: [otlphttp] } } }',
          '',
        ].join('\n'),
      );
    const show = async () => {
      const run = await runCli(['show', '--json', '--config', config, '--data-dir', path.join(dir, 'data')]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { sharing: unknown[] }).sharing;
    };
    await write('');
    expect(await show()).toEqual([
      { exporter: 'otlphttp', destination: 'https://collector.example/v1/collect', maxLevel: 'standard' },
    ]);
    await write(', privacy_level: minimal');
    expect(await show()).toMatchObject([{ maxLevel: 'minimal' }]);
  });
});
