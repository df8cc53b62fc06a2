import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { purgeOutboundQueue, queueDir } from './queue-purge.js';

describe('purgeOutboundQueue', () => {
  it('is a no-op without a queue directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-queue-'));
    expect(await purgeOutboundQueue(dir)).toEqual({ removedFiles: 0 });
  });

  it('removes every file and subdirectory, keeps the directory, and does not follow symlinks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-queue-'));
    const outside = path.join(dir, 'keep-me');
    await writeFile(outside, 'not queued');
    await mkdir(path.join(queueDir(dir), 'segments'), { recursive: true });
    await writeFile(path.join(queueDir(dir), 'batch-1'), 'a');
    await writeFile(path.join(queueDir(dir), 'segments', 'batch-2'), 'b');
    await symlink(outside, path.join(queueDir(dir), 'link'));
    expect(await purgeOutboundQueue(dir)).toEqual({ removedFiles: 3 });
    expect(await readdir(queueDir(dir))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['keep-me', 'queue']);
  });
});
