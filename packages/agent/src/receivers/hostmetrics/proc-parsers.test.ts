import { describe, expect, it } from 'vitest';
import {
  isLocalFileSystem,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseStat,
  parseUptime,
  unescapeMountField,
} from './proc-parsers.js';

describe('parseStat', () => {
  it('reads the aggregate line in seconds, folds irq+softirq into interrupt, and counts logical CPUs', () => {
    const text = ['cpu  1000 20 300 4000 50 6 4 7 900 90', 'cpu0 1 1 1 1 1 1 1 1 0 0', 'cpu1 1 1 1 1 1 1 1 1 0 0'];
    expect(parseStat(text.join('\n'))).toEqual({
      secondsByMode: { user: 10, nice: 0.2, system: 3, idle: 40, iowait: 0.5, interrupt: 0.1, steal: 0.07 },
      logicalCount: 2,
    });
  });

  it('returns undefined without an aggregate line or with a truncated one', () => {
    expect(parseStat('intr 1 2 3\n')).toBeUndefined();
    expect(parseStat('cpu  1 2 3\n')).toBeUndefined();
    expect(parseStat('')).toBeUndefined();
  });
});

describe('parseMeminfo', () => {
  it('converts kB to bytes', () => {
    const text = 'MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 500 kB\nBuffers: 10 kB\nCached: 90 kB\n';
    expect(parseMeminfo(text)).toEqual({
      totalBytes: 1_024_000,
      freeBytes: 204_800,
      availableBytes: 512_000,
      buffersBytes: 10_240,
      cachedBytes: 92_160,
    });
  });

  it('leaves availableBytes undefined on kernels without MemAvailable, and needs MemTotal', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 200 kB\n')?.availableBytes).toBeUndefined();
    expect(parseMeminfo('MemFree: 200 kB\n')).toBeUndefined();
    expect(parseMeminfo('MemTotal: 0 kB\nMemFree: 0 kB\n')).toBeUndefined();
  });
});

describe('parseLoadavg and parseUptime', () => {
  it('reads the three averages and the uptime seconds', () => {
    expect(parseLoadavg('0.06 0.21 0.14 1/137 7548\n')).toEqual({ load1m: 0.06, load5m: 0.21, load15m: 0.14 });
    expect(parseUptime('472.17 807.22\n')).toBe(472.17);
  });

  it('rejects garbage', () => {
    expect(parseLoadavg('x y z')).toBeUndefined();
    expect(parseLoadavg('')).toBeUndefined();
    expect(parseUptime('')).toBeUndefined();
    expect(parseUptime('-1 2')).toBeUndefined();
  });
});

describe('parseNetDev', () => {
  const header =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

  it('reads bytes and errors per interface and leaves loopback out', () => {
    const text =
      header +
      '    lo:   41898     581    0    0    0     0          0         0    41898     581    0    0    0     0       0          0\n' +
      '  eth0: 255703523    8316    3    0    0     0          0         0   592856    5153    4    0    0     0       0          0\n' +
      'enx001122334455:4294967296 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n';
    expect(parseNetDev(text)).toEqual([
      { name: 'eth0', receiveBytes: 255_703_523, receiveErrors: 3, transmitBytes: 592_856, transmitErrors: 4 },
      { name: 'enx001122334455', receiveBytes: 4_294_967_296, receiveErrors: 0, transmitBytes: 7, transmitErrors: 0 },
    ]);
  });

  it('returns undefined for a file without the header and skips short lines', () => {
    expect(parseNetDev('eth0: 1 2 3\n')).toBeUndefined();
    expect(parseNetDev(`${header}eth0: 1 2 3\n`)).toEqual([]);
  });
});

describe('mounts', () => {
  it('unescapes octal sequences the kernel writes for space, tab, newline and backslash', () => {
    expect(unescapeMountField('/media/My\\040Disk\\011x\\012y\\134z')).toBe('/media/My Disk\tx\ny\\z');
  });

  it('keeps local disks only', () => {
    for (const type of ['ext4', 'xfs', 'btrfs', 'zfs', 'vfat', 'fuseblk', 'f2fs'])
      expect(isLocalFileSystem(type)).toBe(true);
    for (const type of ['proc', 'tmpfs', 'overlay', 'squashfs', 'cgroup2', 'nfs4', 'cifs', 'fuse.sshfs', 'autofs'])
      expect(isLocalFileSystem(type)).toBe(false);
  });

  it('keeps the first mount of each device (bind mounts repeat it)', () => {
    const text = [
      'proc /proc proc rw 0 0',
      '/dev/sda2 / ext4 rw 0 0',
      '/dev/sda2 /home btrfs rw 0 0',
      '/dev/sdb1 /mnt/usb\\040stick vfat rw 0 0',
      'tmpfs /tmp tmpfs rw 0 0',
      '',
      'garbage',
    ].join('\n');
    expect(parseMounts(text)).toEqual([
      { device: '/dev/sda2', mountpoint: '/', type: 'ext4' },
      { device: '/dev/sdb1', mountpoint: '/mnt/usb stick', type: 'vfat' },
    ]);
  });
});
