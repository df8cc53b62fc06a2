import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeConsentedState } from './support/consent.js';
import { isolatedEnv, runCli, startAgent, tempDir, waitFor, type RunningAgent } from './support/cli.js';

/**
 * A real full disk: the data directory on a 2 MiB tmpfs, filled up while the agent runs. Mounting needs root
 * (CI runs as root here); elsewhere the test says why it is skipped. The injected-ENOSPC unit tests of the queue
 * cover the same paths without a mount.
 */
function canMountTmpfs(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (probe.status !== 0) return false;
  spawnSync('umount', [dir]);
  return true;
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('a full disk under the sharing queue (real tmpfs)', () => {
  it('keeps the agent running, says so in status, counts drops, and recovers when space returns', async (ctx) => {
    const dir = await tempDir('prism-disk-full-');
    const mountpoint = path.join(dir, 'small');
    await mkdir(mountpoint);
    if (!canMountTmpfs(mountpoint)) {
      ctx.skip(true, 'needs root and mount -t tmpfs');
      return;
    }
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountpoint]);
    cleanup.push(() => void spawnSync('umount', ['-l', mountpoint]));
    const dataDir = path.join(mountpoint, 'data');
    // Nothing listens on port 9: every send fails, so exports stay queued and the queue grows.
    const endpoint = 'http://127.0.0.1:9/v1/collect';
    const config = path.join(dir, 'share.yaml');
    await writeFile(
      config,
      [
        'telemetry: { privacy_level: standard, sharing: { enabled: true }, dashboard: { enabled: false } }',
        'receivers: { hostmetrics: { collection_interval: 1s } }',
        'exporters:',
        '  otlphttp:',
        `    endpoint: "${endpoint}"`,
        '    sending_queue: { flush_interval: 1h }',
        'service: { pipelines: { metrics/share: { receivers: [hostmetrics], exporters: [otlphttp] } } }',
        '',
      ].join('\n'),
    );
    await writeConsentedState(dataDir, endpoint, 'standard');
    const env = isolatedEnv();
    const args = ['--config', config, '--data-dir', dataDir];
    type Queue = { depthRecords: number; diskFull: boolean; counts: { dropped: Record<string, number> } };
    const queue = async (): Promise<Queue | undefined> => {
      const run = await runCli(['status', '--json', ...args], { env });
      if (run.code !== 0) return undefined;
      return (JSON.parse(run.stdout) as { sharing: Array<{ queue: Queue | null }> }).sharing[0]?.queue ?? undefined;
    };
    const agent: RunningAgent = await startAgent(args, env);
    cleanup.push(() => void agent.child.kill('SIGKILL'));
    await waitFor(async () => ((await queue())?.depthRecords ?? 0) >= 2, 20_000, 'queued batches');

    // Fill the disk: what is left is smaller than one queued batch.
    const filler = path.join(mountpoint, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=1000'], { stdio: 'ignore' });
    await waitFor(async () => (await queue())?.diskFull === true, 20_000, 'status to say the disk is full').catch(
      (e: unknown) => {
        console.log(agent.output().stderr.slice(-3000));
        throw e;
      },
    );
    const full = (await queue())!;
    expect(full.counts.dropped['disk_full']).toBeGreaterThan(0);
    expect(agent.child.exitCode).toBeNull();

    await rm(filler);
    const droppedBefore = full.counts.dropped['disk_full']!;
    const depthBefore = full.depthRecords;
    await waitFor(
      async () => {
        const q = await queue();
        return q !== undefined && !q.diskFull && q.depthRecords > depthBefore;
      },
      20_000,
      'appends to succeed again',
    );
    expect((await queue())!.counts.dropped['disk_full']).toBeGreaterThanOrEqual(droppedBefore);
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
  });
});
