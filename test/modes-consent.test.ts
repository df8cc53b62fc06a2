import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, REPO_ROOT, runCli, startAgent, tempDir, writeConfig, type RunResult } from './support/cli.js';

const ENDPOINT = 'https://collector.example:4318/v1/metrics';
const SCRIPT = path.join(REPO_ROOT, 'scripts/toggle-telemetry.sh');

interface StatusJson {
  mode: string;
  modeSince: string | null;
  effective: { mode: string; sharingAllowed: boolean; reason: string; forcedBy: string | null };
  sharingLevel: string | null;
  dataDir: string;
  dataDirSource: string;
  categories: Array<{ category: string; files: number; bytes: number; retentionDays: number }>;
  consent: { id: string; level: string; endpoint: string; manifestHash: string } | null;
  lastSend: { at: string; destination: string; bytes: number; purpose: string } | null;
  agent: { running: boolean; pid: number | null };
}

/** The isolated test environment, without the caller's own overrides leaking in. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = isolatedEnv();
  delete base.DO_NOT_TRACK;
  delete base.PRISM_TELEMETRY_DISABLED;
  return { ...base, ...extra };
}

async function status(dataDir: string, extra: Record<string, string> = {}): Promise<StatusJson> {
  const result = await runCli(['status', '--data-dir', dataDir, '--json'], { env: env(extra) });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as StatusJson;
}

async function enableYes(dataDir: string, extra: Record<string, string> = {}): Promise<RunResult> {
  return runCli(['enable', '--yes', '--endpoint', ENDPOINT, '--data-dir', dataDir], { env: env(extra) });
}

function runScript(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { env: env(), cwd: '/' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `enable` on a real pseudo-terminal (util-linux `script`) and answers the prompt. */
function enableOnTty(dataDir: string, answer: string): Promise<RunResult> {
  const cli = path.join(REPO_ROOT, 'packages/agent/bin/prism-telemetry.js');
  const command = `node ${cli} enable --endpoint ${ENDPOINT} --data-dir ${dataDir}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: env(), cwd: REPO_ROOT });
    let stdout = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!answered && stdout.includes('[y/N]')) {
        answered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: '' }));
  });
}

describe('modes and consent through the CLI', () => {
  it('enable --yes records a receipt that status shows; mode local revokes it', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const enabled = await enableYes(dataDir);
    expect(enabled.stderr).toBe('');
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toContain('system.cpu.utilization');
    expect(enabled.stdout).toContain('Never collected');

    const on = await status(dataDir);
    expect(on).toMatchObject({ mode: 'on', sharingLevel: 'standard', effective: { mode: 'on', sharingAllowed: true } });
    expect(on.consent).toMatchObject({ level: 'standard', endpoint: ENDPOINT });
    expect(on.lastSend).toBeNull();

    const local = await runCli(['mode', 'local', '--data-dir', dataDir, '--json'], { env: env() });
    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({
      mode: 'local',
      previousMode: 'on',
      revokedReceiptId: on.consent!.id,
    });
    const after = await status(dataDir);
    expect(after).toMatchObject({ mode: 'local', consent: null, sharingLevel: null });

    const history = (await readFile(path.join(dataDir, 'consent-history.jsonl'), 'utf8')).trim().split('\n');
    expect(history.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['granted', 'revoked']);
  });

  it('mode on without a receipt exits 2 and says to run enable', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const result = await runCli(['mode', 'on', '--data-dir', dataDir], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PT_ERR_CONSENT_REQUIRED');
    expect(result.stderr).toContain('run prism-telemetry enable');
  });

  it('enable refuses without a terminal and without --yes (exit 2), writing nothing', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const result = await runCli(['enable', '--endpoint', ENDPOINT, '--data-dir', dataDir], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(result.stdout).toContain('Metrics that will be sent');
    expect(await readdir(dataDir).catch(() => [])).toEqual([]);
  });

  it('enable asks on a terminal: yes turns sharing on, no changes nothing (exit 1)', async () => {
    const yesDir = path.join(await tempDir(), 'data');
    const yes = await enableOnTty(yesDir, 'y');
    expect(yes.stdout).toContain('Send this data to https://collector.example:4318? [y/N]');
    expect(yes.code).toBe(0);
    expect((await status(yesDir)).mode).toBe('on');

    const noDir = path.join(await tempDir(), 'data');
    const no = await enableOnTty(noDir, 'n');
    expect(no.code).toBe(1);
    expect(await readdir(noDir).catch(() => [])).toEqual([]);
  });

  it('rejects an endpoint with credentials without echoing them', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const result = await runCli(
      ['enable', '--yes', '--endpoint', 'https://alice:hunter2@c.example/', '--data-dir', dataDir],
      {
        env: env(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PT_ERR_ENDPOINT_INVALID');
    expect(result.stdout + result.stderr).not.toMatch(/alice|hunter2/);
  });

  it('PRISM_TELEMETRY_DISABLED=1: status says forced off and enable refuses', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    expect((await enableYes(dataDir)).code).toBe(0);
    const forced = await status(dataDir, { PRISM_TELEMETRY_DISABLED: '1' });
    expect(forced.mode).toBe('on');
    expect(forced.effective).toEqual({
      mode: 'off',
      sharingAllowed: false,
      reason: 'forced off by PRISM_TELEMETRY_DISABLED=1',
      forcedBy: 'PRISM_TELEMETRY_DISABLED',
    });
    const text = await runCli(['status', '--data-dir', dataDir], { env: env({ PRISM_TELEMETRY_DISABLED: '1' }) });
    expect(text.stdout).toContain('forced off by PRISM_TELEMETRY_DISABLED=1');

    const refused = await enableYes(dataDir, { PRISM_TELEMETRY_DISABLED: '1' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PT_ERR_TELEMETRY_DISABLED');
  });

  it('DO_NOT_TRACK=1: status says sending is forbidden; enable warns', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const local = await status(dataDir, { DO_NOT_TRACK: '1' });
    expect(local.effective).toMatchObject({
      mode: 'local',
      sharingAllowed: false,
      reason: 'sending forbidden by DO_NOT_TRACK=1',
      forcedBy: 'DO_NOT_TRACK',
    });
    const enabled = await enableYes(dataDir, { DO_NOT_TRACK: '1' });
    expect(enabled.code).toBe(0);
    expect(enabled.stderr).toContain('DO_NOT_TRACK is set: nothing will be sent');
    expect((await status(dataDir, { DO_NOT_TRACK: '1' })).effective).toMatchObject({
      mode: 'on',
      sharingAllowed: false,
    });
  });

  it('disable turns the mode off, revokes consent and purges the queue', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    expect((await enableYes(dataDir)).code).toBe(0);
    await mkdir(path.join(dataDir, 'queue'), { recursive: true });
    await writeFile(path.join(dataDir, 'queue', 'batch-1'), 'pending data');
    const result = await runCli(['disable', '--data-dir', dataDir, '--json'], { env: env() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'off', previousMode: 'on', removedQueueFiles: 1 });
    expect(await readdir(path.join(dataDir, 'queue'))).toEqual([]);
    expect(await status(dataDir)).toMatchObject({ mode: 'off', consent: null, effective: { mode: 'off' } });
  });

  it('status reports the last send, a running agent, and no home path', async () => {
    const dir = await tempDir();
    const home = path.join(dir, 'home-alice');
    const dataDir = path.join(home, 'state');
    await mkdir(dataDir, { recursive: true });
    const sent = { at: '2026-11-22T10:00:00.000Z', destination: ENDPOINT, bytes: 512, mode: 'on', purpose: 'collect' };
    await writeFile(
      path.join(dataDir, 'outbound.jsonl'),
      [
        { ...sent, result: 'sent' },
        { ...sent, at: '2026-11-22T11:00:00.000Z', result: 'failed:503' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const agentEnv = env({ HOME: home, PRISM_TELEMETRY_DIR: dataDir });
    const agent = await startAgent(['--config', await writeConfig(dir)], agentEnv);
    try {
      const result = await runCli(['status', '--json'], { env: agentEnv });
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as StatusJson;
      // The embedded config reads PRISM_TELEMETRY_DIR through `data_dir: ${PRISM_TELEMETRY_DIR:-}`, so the
      // source says `config`; what matters here is that the home directory is shown as ~.
      expect(report.dataDir).toBe('~/state');
      expect(report.lastSend).toEqual({
        at: '2026-11-22T10:00:00.000Z',
        destination: ENDPOINT,
        bytes: 512,
        purpose: 'collect',
      });
      expect(report.agent).toMatchObject({ running: true, pid: agent.child.pid });
      const text = await runCli(['status'], { env: agentEnv });
      expect(text.stdout).toContain('agent:         running');
      expect(text.stdout + result.stdout).not.toContain('home-alice');
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
    const stopped = await runCli(['status', '--json'], { env: agentEnv });
    expect((JSON.parse(stopped.stdout) as StatusJson).agent).toEqual({ running: false, pid: null, startedAt: null });
  });

  it('status without a send says no data has left this machine', async () => {
    const result = await runCli(['status', '--data-dir', path.join(await tempDir(), 'data')], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no data has left this machine');
  });

  it('toggle-telemetry.sh enable --yes / status / disable, and usage on bad arguments', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const noYes = await runScript(['enable', '--endpoint', ENDPOINT, '--data-dir', dataDir]);
    expect(noYes.code).toBe(2);
    const enabled = await runScript(['enable', '--yes', '--endpoint', ENDPOINT, '--data-dir', dataDir]);
    expect(enabled.code).toBe(0);
    const on = await runScript(['status', '--data-dir', dataDir, '--json']);
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({ mode: 'on', effective: { sharingAllowed: true } });
    const disabled = await runScript(['disable', '--data-dir', dataDir]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('mode:      off (was on)');
    expect((await status(dataDir)).mode).toBe('off');

    for (const args of [[], ['toggle'], ['--data-dir']]) {
      const bad = await runScript(args);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('usage: toggle-telemetry.sh enable|disable|status');
    }
  });

  it('every new verb has --help', async () => {
    for (const verb of ['mode', 'enable', 'disable', 'status']) {
      const result = await runCli([verb, '--help'], { env: env() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--data-dir');
      expect(result.stdout).toContain('--json');
    }
  });
});
