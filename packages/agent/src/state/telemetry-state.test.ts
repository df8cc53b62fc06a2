import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState, stateFile, updateState, writeState } from './telemetry-state.js';

const temp = () => mkdtemp(path.join(tmpdir(), 'prism-state-'));

describe('telemetry state', () => {
  it('defaults to local when there is no state file', async () => {
    const { state } = await readState(await temp());
    expect(state.mode).toBe('local');
    expect(state.consent).toBeUndefined();
  });

  it('round-trips through an atomic write with mode 0600 and no temp files left', async () => {
    const dir = await temp();
    await updateState(dir, (s) => ({ ...s, mode: 'off', modeSince: '2026-11-22T00:00:00.000Z' }));
    expect((await readState(dir)).state).toMatchObject({ mode: 'off', modeSince: '2026-11-22T00:00:00.000Z' });
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('moves a damaged state file aside and falls back to local', async () => {
    const dir = await temp();
    await writeFile(stateFile(dir), '{"schemaVersion":1,"mode":"o');
    const { state, movedAside } = await readState(dir);
    expect(state.mode).toBe('local');
    expect(movedAside).toMatch(/^state\.json\.damaged-/);
    expect(await readFile(path.join(dir, movedAside!), 'utf8')).toContain('"mode":"o');
  });

  it('rejects a state file with an unknown mode', async () => {
    const dir = await temp();
    await writeState(dir, {
      schemaVersion: 1,
      mode: 'local',
      modeSince: undefined,
      consent: undefined,
      dataGeneration: 0,
    });
    await writeFile(stateFile(dir), JSON.stringify({ schemaVersion: 1, mode: 'everything' }));
    expect((await readState(dir)).state.mode).toBe('local');
  });
});
