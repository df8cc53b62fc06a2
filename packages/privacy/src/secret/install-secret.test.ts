import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateInstallSecret, rotateInstallSecret } from './install-secret.js';

describe('install secret', () => {
  it('is created once with mode 0600 and then reused', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-secret-'));
    const first = await loadOrCreateInstallSecret({ dir });
    const second = await loadOrCreateInstallSecret({ dir });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.secret.equals(first.secret)).toBe(true);
    expect((await stat(path.join(dir, 'install-secret'))).mode & 0o777).toBe(0o600);
  });

  it('replaces a damaged secret and keeps the damaged file aside', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-secret-'));
    await writeFile(path.join(dir, 'install-secret'), 'short');
    const result = await loadOrCreateInstallSecret({ dir });
    expect(result.replaced).toBe(true);
    expect(result.secret).toHaveLength(32);
  });

  it('rotation gives a different key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-secret-'));
    const { secret } = await loadOrCreateInstallSecret({ dir });
    const rotated = await rotateInstallSecret({ dir });
    expect(rotated.equals(secret)).toBe(false);
    expect((await readFile(path.join(dir, 'install-secret'))).equals(rotated)).toBe(true);
  });
});
