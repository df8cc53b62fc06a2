import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateInstallSecret } from '@prism-telemetry/privacy';
import { describe, expect, it } from 'vitest';
import { readState, writeState } from '../state/telemetry-state.js';
import { deleteAllData } from './delete-all-data.js';
import { removeContents } from './remove-contents.js';

const temp = () => mkdtemp(path.join(tmpdir(), 'prism-delete-'));

describe('deleteAllData', () => {
  it('removes stored and pending data, rotates the secret, bumps the generation, keeps the user records', async () => {
    const dataDir = await temp();
    const before = (await loadOrCreateInstallSecret({ dir: dataDir })).secret;
    await mkdir(path.join(dataDir, 'metrics/health'), { recursive: true });
    await writeFile(path.join(dataDir, 'metrics/health/2026-11-21.jsonl'), 'x'.repeat(100));
    await writeFile(path.join(dataDir, 'metrics/health/2026-11-22.jsonl'), 'y'.repeat(50));
    await mkdir(path.join(dataDir, 'queue/batches'), { recursive: true });
    await writeFile(path.join(dataDir, 'queue/batches/1.bin'), 'z'.repeat(7));
    await mkdir(path.join(dataDir, 'alerts'));
    await writeFile(path.join(dataDir, 'alerts/2026-11-22.jsonl'), '{}\n');
    await writeFile(path.join(dataDir, 'install-secret.damaged-1795345797461'), 'old key');
    await writeState(dataDir, {
      schemaVersion: 1,
      mode: 'on',
      modeSince: undefined,
      consent: undefined,
      dataGeneration: 4,
    });
    await writeFile(path.join(dataDir, 'consent-history.jsonl'), '{"event":"revoked"}\n');
    await writeFile(path.join(dataDir, 'outbound.jsonl'), '{"purpose":"collect"}\n');

    const result = await deleteAllData(dataDir);

    expect(result).toEqual({
      metrics: { files: 2, bytes: 150 },
      queue: { files: 1, bytes: 7 },
      alerts: { files: 1, bytes: 3 },
      oldSecrets: 1,
      dataGeneration: 5,
    });
    expect(await readdir(path.join(dataDir, 'metrics'))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'queue'))).toEqual([]);
    expect(await readdir(path.join(dataDir, 'alerts'))).toEqual([]);
    expect((await readdir(dataDir)).sort()).toEqual(
      ['alerts', 'consent-history.jsonl', 'install-secret', 'metrics', 'outbound.jsonl', 'queue', 'state.json'].sort(),
    );
    const after = await readFile(path.join(dataDir, 'install-secret'));
    expect(after).toHaveLength(32);
    expect(after.equals(before)).toBe(false);
    expect((await readState(dataDir)).state).toMatchObject({ mode: 'on', dataGeneration: 5 });
  });

  it('removeContents removes links without following them, and treats a missing directory as empty', async () => {
    const dir = await temp();
    const outside = path.join(await temp(), 'keep.txt');
    await writeFile(outside, 'not ours');
    await mkdir(path.join(dir, 'q'));
    await symlink(outside, path.join(dir, 'q', 'link'));
    expect(await removeContents(path.join(dir, 'q'))).toEqual({ files: 1, bytes: 0 });
    expect(await readFile(outside, 'utf8')).toBe('not ours');
    expect(await removeContents(path.join(dir, 'missing'))).toEqual({ files: 0, bytes: 0 });
  });
});
