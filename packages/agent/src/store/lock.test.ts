import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrismError } from '../errors.js';
import { acquireDataDirLock, parseHolder } from './lock.js';
import { processStartTimeTicks } from './proc-start-time.js';

// A separate process that holds the lock the way an agent does: same file, same format, its own pid and
// start time, and it stays alive until the test kills it.
const HOLDER_SCRIPT = `
const fs = require('node:fs');
const stat = fs.readFileSync('/proc/self/stat', 'utf8');
const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
fs.writeFileSync(process.argv[1], JSON.stringify({ pid: process.pid, startTimeTicks: ticks, startedAt: new Date().toISOString() }));
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

let home: string;
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'prism-lock-'));
  dataDir = path.join(home, 'data');
  await mkdir(dataDir);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await rm(home, { recursive: true, force: true });
});

async function startHolder(lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('ready\n');
  return child;
}

const lockFile = (): string => path.join(dataDir, 'agent.lock');

describe('acquireDataDirLock', () => {
  it('writes pid, start time and start date, mode 0600, and release removes it', async () => {
    const lock = await acquireDataDirLock(dataDir);
    expect(lock.tookOverStale).toBe(false);
    const holder = parseHolder(await readFile(lockFile(), 'utf8'));
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.startTimeTicks).toBe(await processStartTimeTicks(process.pid));
    expect((await stat(lockFile())).mode & 0o777).toBe(0o600);
    await lock.release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with PT_ERR_LOCKED while another live process holds the lock', async () => {
    const child = await startHolder(lockFile());
    const err = await acquireDataDirLock(dataDir, { homedir: home }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrismError);
    expect(err).toMatchObject({
      code: 'PT_ERR_LOCKED',
      hint: 'stop it first, or use --data-dir to pick another directory',
    });
    const message = (err as PrismError).message;
    expect(message).toMatch(
      new RegExp(`^another prism-telemetry agent \\(pid ${child.pid}, started \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(message).toContain('is already using ~/data');
    expect(message).not.toContain(home);
    expect(parseHolder(await readFile(lockFile(), 'utf8'))?.pid).toBe(child.pid);
  });

  it('refuses a second lock in the same process', async () => {
    const lock = await acquireDataDirLock(dataDir);
    await expect(acquireDataDirLock(dataDir)).rejects.toMatchObject({ code: 'PT_ERR_LOCKED' });
    await lock.release();
  });

  it('takes over a lock left by a process that has exited', async () => {
    const child = await startHolder(lockFile());
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = await acquireDataDirLock(dataDir);
    expect(lock.tookOverStale).toBe(true);
    expect(parseHolder(await readFile(lockFile(), 'utf8'))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid is alive but started at another time (pid reused)', async () => {
    const ticks = (await processStartTimeTicks(process.pid)) ?? 0;
    await writeFile(lockFile(), JSON.stringify({ pid: process.pid, startTimeTicks: ticks - 1, startedAt: 'x' }));
    const lock = await acquireDataDirLock(dataDir);
    expect(parseHolder(await readFile(lockFile(), 'utf8'))?.startTimeTicks).toBe(ticks);
    await lock.release();
  });

  it('takes over a garbage lock file', async () => {
    await writeFile(lockFile(), '{"pid": 12');
    const lock = await acquireDataDirLock(dataDir);
    expect(parseHolder(await readFile(lockFile(), 'utf8'))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('lets exactly one of two racing agents take over a stale lock', async () => {
    for (let round = 0; round < 20; round++) {
      await writeFile(lockFile(), 'garbage');
      const results = await Promise.allSettled([acquireDataDirLock(dataDir), acquireDataDirLock(dataDir)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'PT_ERR_LOCKED' } });
      await won[0]?.value.release();
    }
  });

  it('release is idempotent and leaves a lock that is no longer ours', async () => {
    const lock = await acquireDataDirLock(dataDir);
    await Promise.all([lock.release(), lock.release()]);
    await lock.release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });

    const second = await acquireDataDirLock(dataDir);
    const other = JSON.stringify({ pid: 1, startTimeTicks: 1, startedAt: 'then' });
    await writeFile(lockFile(), other);
    await second.release();
    expect(await readFile(lockFile(), 'utf8')).toBe(other);
  });

  it('leaves no temporary files behind', async () => {
    const lock = await acquireDataDirLock(dataDir);
    await expect(acquireDataDirLock(dataDir)).rejects.toBeInstanceOf(PrismError);
    expect(await readdir(dataDir)).toEqual(['agent.lock']);
    await lock.release();
  });
});
