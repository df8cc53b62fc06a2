import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConsentHistory } from '../packages/agent/src/state/consent.js';
import { parseState, readState } from '../packages/agent/src/state/telemetry-state.js';
import { REPO_ROOT, tempDir, waitFor } from './support/cli.js';

const UPDATES = 1000;
const INITIAL = 'local undefined';

interface ChurnRun {
  lines: string[];
  done: boolean;
}

/** Runs the churn child until it has committed `commits` updates (plus a few ms), then SIGKILLs it. */
async function churnThenKill(dataDir: string, commits: number | undefined): Promise<ChurnRun> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/consent-churn.ts'), dataDir, String(UPDATES)],
    { cwd: REPO_ROOT },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const committed = () => stdout.split('\n').filter((l) => l.startsWith('after ')).length;
  if (commits === undefined) {
    await exited;
  } else {
    await waitFor(() => committed() >= commits || child.exitCode !== null, 60_000, `${commits} updates (${stderr})`);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
    child.kill('SIGKILL');
    await exited;
  }
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  expect(stderr).toBe('');
  return { lines, done: lines.at(-1) === 'done' };
}

/** The last committed value and, if the child died between `before` and `after`, the one in flight. */
function candidates(lines: readonly string[]): string[] {
  let committed = INITIAL;
  let pending: string | undefined;
  for (const line of lines) {
    if (line.startsWith('before ')) pending = line.slice('before '.length);
    if (line.startsWith('after ')) {
      committed = line.slice('after '.length);
      pending = undefined;
    }
  }
  return pending === undefined ? [committed] : [committed, pending];
}

async function checkDataDir(dataDir: string, run: ChurnRun): Promise<void> {
  const text = await readFile(path.join(dataDir, 'state.json'), 'utf8');
  const state = parseState(text);
  expect(state, `state.json parses: ${text}`).toBeDefined();
  expect(candidates(run.lines)).toContain(`${state!.mode} ${state!.modeSince}`);
  // Mode and receipt change in the same atomic write.
  expect(state!.consent !== undefined).toBe(state!.mode === 'on');

  const read = await readState(dataDir);
  expect(read.movedAside).toBeUndefined();
  expect(read.state).toEqual(state);

  for (const name of await readdir(dataDir)) {
    expect(name).toMatch(/^(state\.json|consent-history\.jsonl|queue|\.state\.json\..+\.tmp)$/);
  }
  const lines = (await readFile(path.join(dataDir, 'consent-history.jsonl'), 'utf8')).split('\n');
  expect(lines.pop()).toBe(''); // one write per line: a kill never leaves a torn line
  for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  const history = await readConsentHistory(dataDir);
  expect(history).toHaveLength(lines.length);
  if (state!.consent)
    expect(history.some((e) => e.event === 'granted' && e.receipt.id === state!.consent!.id)).toBe(true);
}

describe('state and consent survive kill -9', () => {
  it('SIGKILL at random moments leaves state.json old or new, never damaged', { timeout: 180_000 }, async () => {
    for (let trial = 0; trial < 5; trial++) {
      const dataDir = path.join(await tempDir('prism-state-crash-'), 'data');
      const run = await churnThenKill(dataDir, 1 + Math.floor(Math.random() * (UPDATES - 100)));
      expect(run.done).toBe(false);
      await checkDataDir(dataDir, run);
    }
  });

  it('an uninterrupted run of 1,000 updates ends in its last value', { timeout: 180_000 }, async () => {
    const dataDir = path.join(await tempDir('prism-state-crash-'), 'data');
    const run = await churnThenKill(dataDir, undefined);
    expect(run.done).toBe(true);
    expect(candidates(run.lines)).toEqual([`off ${new Date(Date.UTC(2026, 0, 1) + UPDATES * 1000).toISOString()}`]);
    await checkDataDir(dataDir, run);
  });
});
