import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { BACKUP_FS, defaultFixture, errno, fakeStatfs, ProcFixtureDir, ROOT_FS } from './proc-fixture.test.helper.js';
import { readHostSnapshot } from './proc-reader.js';

describe('readHostSnapshot on a fixture tree', () => {
  let dir: ProcFixtureDir;
  beforeEach(async () => {
    dir = await ProcFixtureDir.create();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('reads every part', async () => {
    await dir.write(defaultFixture());
    const statfs = fakeStatfs({ '/': ROOT_FS, '/mnt/backup disk': BACKUP_FS });
    const snapshot = await readHostSnapshot({ procRoot: dir.root, statfs });

    expect(snapshot.cpu).toEqual({
      secondsByMode: { user: 100, nice: 2, system: 30, idle: 800, iowait: 5, interrupt: 3, steal: 0 },
      logicalCount: 4,
    });
    expect(snapshot.memory).toEqual({
      totalBytes: 16_000_000 * 1024,
      freeBytes: 8_000_000 * 1024,
      availableBytes: 12_000_000 * 1024,
      buffersBytes: 500_000 * 1024,
      cachedBytes: 2_500_000 * 1024,
    });
    expect(snapshot.load).toEqual({ load1m: 0.5, load5m: 0.25, load15m: 0.125 });
    expect(snapshot.uptimeSeconds).toBe(12_345.67);
    expect(snapshot.network?.map((n) => n.name)).toEqual(['eth0', 'wlan0']);
    expect(snapshot.filesystems).toEqual([
      {
        mountpoint: '/',
        type: 'ext4',
        totalBytes: 1000 * 4096,
        usedBytes: 700 * 4096,
        freeBytes: 250 * 4096,
        reservedBytes: 50 * 4096,
      },
      {
        mountpoint: '/mnt/backup disk',
        type: 'xfs',
        totalBytes: 10_000 * 1024,
        usedBytes: 1_000 * 1024,
        freeBytes: 9_000 * 1024,
        reservedBytes: 0,
      },
    ]);
    // Pseudo, overlay, squashfs and the bind mount of /dev/sda2 are never asked about.
    expect(statfs.calls.sort()).toEqual(['/', '/mnt/backup disk']);
    expect(snapshot.unavailable.size).toBe(0);
    expect(snapshot.skippedMountCount).toBe(0);
  });

  it('leaves out only the part whose file is missing or unparseable', async () => {
    await dir.write(defaultFixture(), ['net/dev', 'loadavg']);
    await writeFile(join(dir.root, 'uptime'), 'not a number\n');
    const snapshot = await readHostSnapshot({ procRoot: dir.root, statfs: fakeStatfs({ '/': ROOT_FS }) });

    expect(snapshot.network).toBeUndefined();
    expect(snapshot.load).toBeUndefined();
    expect(snapshot.uptimeSeconds).toBeUndefined();
    expect(Object.fromEntries(snapshot.unavailable)).toEqual({
      network: 'ENOENT',
      load: 'ENOENT',
      uptime: 'unparseable',
    });
    expect(snapshot.cpu?.logicalCount).toBe(4);
    expect(snapshot.memory?.totalBytes).toBe(16_000_000 * 1024);
    expect(snapshot.filesystems?.map((f) => f.mountpoint)).toEqual(['/']);
  });

  it('never rejects when the proc root does not exist at all', async () => {
    const snapshot = await readHostSnapshot({ procRoot: join(dir.root, 'nope'), statfs: fakeStatfs({}) });
    expect([...snapshot.unavailable.keys()].sort()).toEqual([
      'cpu',
      'filesystems',
      'load',
      'memory',
      'network',
      'uptime',
    ]);
  });

  it('skips one mount whose statfs fails and keeps the others', async () => {
    await dir.write(defaultFixture());
    const statfs = fakeStatfs({ '/': errno('EACCES'), '/mnt/backup disk': BACKUP_FS });
    const snapshot = await readHostSnapshot({ procRoot: dir.root, statfs });
    expect(snapshot.filesystems?.map((f) => f.mountpoint)).toEqual(['/mnt/backup disk']);
    expect(snapshot.skippedMountCount).toBe(1);
    expect(snapshot.unavailable.size).toBe(0);
  });

  it('skips a statfs that throws synchronously and one reporting zero blocks', async () => {
    await dir.write(defaultFixture());
    const statfs = (path: string) => {
      if (path === '/') throw new Error('sync failure');
      return Promise.resolve({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 });
    };
    const snapshot = await readHostSnapshot({ procRoot: dir.root, statfs });
    expect(snapshot.filesystems).toEqual([]);
    expect(snapshot.skippedMountCount).toBe(2);
  });

  it('falls back to self/mounts, and honours an explicit mountsFile', async () => {
    await dir.write(defaultFixture());
    await mkdir(join(dir.root, 'self'));
    await rename(join(dir.root, 'mounts'), join(dir.root, 'self', 'mounts'));
    const statfs = fakeStatfs({ '/': ROOT_FS });
    expect((await readHostSnapshot({ procRoot: dir.root, statfs })).filesystems?.length).toBe(1);

    const custom = join(dir.root, 'other-mounts');
    await writeFile(custom, '/dev/nvme0n1p1 /data ext4 rw 0 0\n');
    const snapshot = await readHostSnapshot({ procRoot: dir.root, statfs, mountsFile: custom });
    expect(snapshot.filesystems).toEqual([]);
    expect(statfs.calls.at(-1)).toBe('/data');
  });

  it('calls statfs under rootPath but reports mountpoints as the host names them', async () => {
    await dir.write(defaultFixture());
    const statfs = fakeStatfs({ '/hostfs/': ROOT_FS, '/hostfs/mnt/backup disk': BACKUP_FS });
    const snapshot = await readHostSnapshot({ rootPath: '/hostfs', procRoot: dir.root, statfs });
    expect(snapshot.filesystems?.map((f) => f.mountpoint)).toEqual(['/', '/mnt/backup disk']);
    expect(statfs.calls.sort()).toEqual(['/hostfs/', '/hostfs/mnt/backup disk']);
  });

  it('gives up on a hung mount after the timeout and does not call statfs on it again while it hangs', async () => {
    await dir.write(defaultFixture());
    const clock = new ManualClock();
    const statfs = fakeStatfs({ '/': ROOT_FS, '/mnt/backup disk': 'hang' });
    const stalledMountpoints = new Set<string>();
    const options = { procRoot: dir.root, statfs, clock, statfsTimeoutMillis: 2000, stalledMountpoints };

    const first = readHostSnapshot(options);
    await vi.waitFor(() => expect(statfs.calls).toHaveLength(2));
    clock.advance(2000);
    const snapshot = await first;
    expect(snapshot.filesystems?.map((f) => f.mountpoint)).toEqual(['/']);
    expect(snapshot.skippedMountCount).toBe(1);
    expect([...stalledMountpoints]).toEqual(['/mnt/backup disk']);

    const second = await readHostSnapshot(options);
    expect(second.skippedMountCount).toBe(1);
    expect(statfs.calls.filter((path) => path === '/mnt/backup disk')).toHaveLength(1);
  });
});

describe('readHostSnapshot on this machine', () => {
  it('reads the real /proc and statfs with sane values', async () => {
    const snapshot = await readHostSnapshot();
    expect(snapshot.cpu?.logicalCount).toBeGreaterThanOrEqual(1);
    const modes = Object.values(snapshot.cpu?.secondsByMode ?? {});
    expect(modes.every((seconds) => seconds >= 0)).toBe(true);
    expect(modes.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(snapshot.memory?.totalBytes).toBeGreaterThan(0);
    expect(snapshot.memory?.freeBytes).toBeLessThanOrEqual(snapshot.memory?.totalBytes ?? 0);
    expect(snapshot.load?.load1m).toBeGreaterThanOrEqual(0);
    expect(snapshot.uptimeSeconds).toBeGreaterThan(0);
    expect(snapshot.network?.some((n) => n.name === 'lo')).toBe(false);
    const root = snapshot.filesystems?.find((f) => f.mountpoint === '/');
    expect(root).toBeDefined();
    expect(root?.totalBytes).toBeGreaterThan(0);
    expect((root?.usedBytes ?? -1) + (root?.freeBytes ?? -1) + (root?.reservedBytes ?? -1)).toBe(root?.totalBytes);
  });
});
