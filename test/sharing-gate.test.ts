import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConsentedState } from './support/consent.js';
import { startCollectServer, type CollectServer } from './support/collect-server.js';
import { REPO_ROOT, isolatedEnv, runCli, startAgent, tempDir, waitFor, type RunningAgent } from './support/cli.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function sharingSetup(options: {
  consent: boolean;
}): Promise<{ dir: string; dataDir: string; config: string; server: CollectServer }> {
  const server = await startCollectServer();
  cleanup.push(() => server.close());
  const dir = await tempDir();
  const dataDir = path.join(dir, 'data');
  const endpoint = `${server.url}/v1/collect`;
  const config = path.join(dir, 'share.yaml');
  await writeFile(
    config,
    [
      'telemetry: { privacy_level: standard, sharing: { enabled: true } }',
      'receivers: { hostmetrics: { collection_interval: 1s } }',
      `exporters: { file: {}, otlphttp: { endpoint: "${endpoint}", sending_queue: { flush_interval: 1s } } }`,
      'processors: { privacy/share: { level: minimal } }',
      'service:',
      '  pipelines:',
      '    metrics/local: { receivers: [hostmetrics], exporters: [file] }',
      '    metrics/share: { receivers: [hostmetrics], processors: [privacy/share], exporters: [otlphttp] }',
      '',
    ].join('\n'),
  );
  if (options.consent) {
    await writeConsentedState(dataDir, endpoint, 'minimal');
  }
  return { dir, dataDir, config, server };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<RunningAgent> {
  const agent = await startAgent(args, env);
  cleanup.push(() => void agent.child.kill('SIGKILL'));
  return agent;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('consent gate', () => {
  it('sends to the endpoint in mode on with consent, and records every attempt', async () => {
    const { dataDir, config, server } = await sharingSetup({ consent: true });
    const agent = await run(['--config', config, '--data-dir', dataDir], isolatedEnv());
    await waitFor(() => server.requests.length >= 1, 15_000, 'a first request to the endpoint');
    agent.child.kill('SIGTERM');
    await agent.exited;
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/collect' });
    const log = (await readFile(path.join(dataDir, 'outbound.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(log[0]).toMatchObject({
      mode: 'on',
      purpose: 'collect',
      destination: `${server.url}/v1/collect`,
      result: 'sent',
    });
  });

  it('with DO_NOT_TRACK=1 and mode on, makes no connection, and says why', async () => {
    const { dataDir, config, server } = await sharingSetup({ consent: true });
    const agent = await run(['--config', config, '--data-dir', dataDir], isolatedEnv({ DO_NOT_TRACK: '1' }));
    expect(agent.output().stdout).toContain('DO_NOT_TRACK');
    await sleep(4000);
    agent.child.kill('SIGTERM');
    await agent.exited;
    expect(server.connections).toBe(0);
  });

  it('in mode local (no consent) makes no connection, and starts sending once consent is recorded', async () => {
    const { dataDir, config, server } = await sharingSetup({ consent: false });
    const agent = await run(['--config', config, '--data-dir', dataDir], isolatedEnv());
    await sleep(3000);
    expect(server.connections).toBe(0);
    const again = await sharingSetup({ consent: true });
    // Copy the receipt into this data directory, as `enable` would, while the agent runs.
    await writeFile(path.join(dataDir, 'state.json'), await readFile(path.join(again.dataDir, 'state.json')));
    const endpointPatched = (await readFile(path.join(dataDir, 'state.json'), 'utf8')).replace(
      again.server.url,
      server.url,
    );
    await writeFile(path.join(dataDir, 'state.json'), endpointPatched);
    await waitFor(() => server.requests.length >= 1, 15_000, 'sending after consent');
    agent.child.kill('SIGTERM');
    await agent.exited;
  });

  it('PRISM_TELEMETRY_DEBUG=1 prints the payload instead of sending it', async () => {
    const { dataDir, config, server } = await sharingSetup({ consent: true });
    const agent = await run(['--config', config, '--data-dir', dataDir], isolatedEnv({ PRISM_TELEMETRY_DEBUG: '1' }));
    // CPU utilization needs two host samples, so it is in the second payload at the earliest.
    await waitFor(() => agent.output().stdout.includes('system.cpu.utilization'), 15_000, 'a printed payload');
    agent.child.kill('SIGTERM');
    await agent.exited;
    expect(server.connections).toBe(0);
    expect(agent.output().stdout).toContain('not sent');
  });
});

describe('dry-run', () => {
  it('prints the payload that would be sent and opens no connection (network guard)', async () => {
    const { dir, dataDir, config, server } = await sharingSetup({ consent: true });
    const guardFile = path.join(dir, 'guard-count');
    const env = isolatedEnv({
      NODE_OPTIONS: `--import ${path.join(REPO_ROOT, 'test/support/network-guard.mjs')}`,
      PRISM_NETWORK_GUARD_FILE: guardFile,
    });
    const result = await runCli(
      ['dry-run', '--config', config, '--data-dir', dataDir, '--json', '--sample-gap', '300'],
      { env },
    );
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    expect(await readFile(guardFile, 'utf8')).toBe('0');
    expect(server.connections).toBe(0);
    const body = JSON.parse(result.stdout) as {
      sent: boolean;
      targets: Array<{ level: string; endpoint: string; payload: unknown }>;
    };
    expect(body.sent).toBe(false);
    expect(body.targets[0]).toMatchObject({ level: 'minimal', endpoint: `${server.url}/v1/collect` });
    const text = JSON.stringify(body.targets[0]!.payload);
    expect(text).toContain('system.cpu.utilization');
    expect(text).not.toContain('system.network.io'); // standard-only: the share pipeline is minimal
  });

  it("shows each destination only its own pipeline's receivers, as the agent sends them", async () => {
    const { dir, dataDir } = await sharingSetup({ consent: true });
    const config = path.join(dir, 'two-receivers.yaml');
    await writeFile(
      config,
      [
        'telemetry: { privacy_level: standard, sharing: { enabled: true } }',
        'receivers: { hostmetrics: { collection_interval: 1s }, hostmetrics/local: { collection_interval: 1s } }',
        'exporters: { file: {}, otlphttp: { endpoint: "http://127.0.0.1:9/v1/collect" } }',
        'service:',
        '  pipelines:',
        '    metrics/local: { receivers: [hostmetrics/local], exporters: [file] }',
        '    metrics/share: { receivers: [hostmetrics], exporters: [otlphttp] }',
        '',
      ].join('\n'),
    );
    const result = await runCli([
      'dry-run',
      '--config',
      config,
      '--data-dir',
      dataDir,
      '--json',
      '--sample-gap',
      '300',
    ]);
    expect(result.code).toBe(0);
    const scopes = JSON.stringify(
      (JSON.parse(result.stdout) as { targets: Array<{ payload: unknown }> }).targets[0]!.payload,
    );
    expect(scopes).toContain('"prism-telemetry/receiver/hostmetrics"');
    expect(scopes).not.toContain('prism-telemetry/receiver/hostmetrics/local');
  });
});
