import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrismError } from '../errors.js';
import { ensureDataDir, resolveDataDir } from './data-dir.js';

describe('resolveDataDir', () => {
  const homedir = '/home/alice';

  it('prefers the flag, then PRISM_TELEMETRY_DIR, then XDG_STATE_HOME, then the default', () => {
    const env = { PRISM_TELEMETRY_DIR: '/srv/prism', XDG_STATE_HOME: '/xdg/state' };
    expect(resolveDataDir({ flag: '/flag/dir', env, homedir })).toEqual({ path: '/flag/dir', source: 'flag' });
    expect(resolveDataDir({ env, homedir })).toEqual({ path: '/srv/prism', source: 'PRISM_TELEMETRY_DIR' });
    expect(resolveDataDir({ env: { XDG_STATE_HOME: '/xdg/state' }, homedir })).toEqual({
      path: '/xdg/state/prism-telemetry',
      source: 'XDG_STATE_HOME',
    });
    expect(resolveDataDir({ env: {}, homedir })).toEqual({
      path: '/home/alice/.local/state/prism-telemetry',
      source: 'default',
    });
  });

  it('treats empty values as unset and ignores a relative XDG_STATE_HOME', () => {
    const env = { PRISM_TELEMETRY_DIR: '', XDG_STATE_HOME: 'relative/state' };
    expect(resolveDataDir({ flag: '', env, homedir }).source).toBe('default');
  });

  it('makes a relative flag absolute', () => {
    expect(resolveDataDir({ flag: 'data', env: {}, homedir }).path).toBe(path.resolve('data'));
  });
});

describe('ensureDataDir', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'prism-datadir-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates the directory and metrics/ with mode 0700, and accepts them when they exist', async () => {
    const dataDir = path.join(home, 'state', 'prism-telemetry');
    await ensureDataDir(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, 'metrics'))).mode & 0o777).toBe(0o700);
    await ensureDataDir(dataDir);
  });

  it('fails with PT_ERR_DATA_DIR, naming the place without the home directory, when a file is in the way', async () => {
    await writeFile(path.join(home, 'state'), 'not a directory');
    const err = await ensureDataDir(path.join(home, 'state', 'prism'), { homedir: home }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrismError);
    expect(err).toMatchObject({ code: 'PT_ERR_DATA_DIR' });
    expect((err as PrismError).message).toMatch(/^~\/state\/prism is not a directory \(ENOTDIR|EEXIST\)$/);
    expect((err as PrismError).hint).toContain('--data-dir');
    expect((err as PrismError).message).not.toContain(home);
  });

  it('fails with PT_ERR_DATA_DIR when the directory cannot be created', async () => {
    // A name longer than any file system allows fails for every user, root included (permissions would not).
    const dataDir = path.join(home, 'x'.repeat(300));
    await expect(ensureDataDir(dataDir, { homedir: home })).rejects.toMatchObject({
      code: 'PT_ERR_DATA_DIR',
      message: `cannot create data directory ~/${'x'.repeat(300)}: ENAMETOOLONG`,
      hint: expect.stringContaining('--data-dir'),
    });
  });
});
