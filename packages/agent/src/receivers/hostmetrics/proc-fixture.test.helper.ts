import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostMetricRule } from './instruments.js';
import type { StatfsFunction, StatfsResult } from './proc-reader.js';

/** Values for a fake procfs tree; CPU in jiffies, memory in kB, as the kernel writes them. */
export interface ProcFixture {
  cpu: { user: number; nice: number; system: number; idle: number; iowait: number; irq: number; softirq: number };
  steal: number;
  logicalCpus: number;
  memKb: { MemTotal: number; MemFree: number; MemAvailable: number; Buffers: number; Cached: number };
  loadavg: [number, number, number];
  uptimeSeconds: number;
  net: { name: string; rxBytes: number; rxErrors: number; txBytes: number; txErrors: number }[];
  mounts: string;
}

export function defaultFixture(): ProcFixture {
  return {
    cpu: { user: 10_000, nice: 200, system: 3_000, idle: 80_000, iowait: 500, irq: 100, softirq: 200 },
    steal: 0,
    logicalCpus: 4,
    memKb: { MemTotal: 16_000_000, MemFree: 8_000_000, MemAvailable: 12_000_000, Buffers: 500_000, Cached: 2_500_000 },
    loadavg: [0.5, 0.25, 0.125],
    uptimeSeconds: 12_345.67,
    net: [
      { name: 'lo', rxBytes: 999, rxErrors: 0, txBytes: 999, txErrors: 0 },
      { name: 'eth0', rxBytes: 1_000_000, rxErrors: 2, txBytes: 500_000, txErrors: 1 },
      { name: 'wlan0', rxBytes: 3_000, rxErrors: 0, txBytes: 4_000, txErrors: 0 },
    ],
    mounts: [
      'proc /proc proc rw,relatime 0 0',
      'sysfs /sys sysfs rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
      '/dev/sda2 / ext4 rw,relatime 0 0',
      '/dev/sda2 /var/lib/docker/bind ext4 rw 0 0',
      '/dev/sdb1 /mnt/backup\\040disk xfs rw 0 0',
      'overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0',
      '/dev/loop3 /snap/core/1 squashfs ro 0 0',
    ].join('\n'),
  };
}

function render(f: ProcFixture): Record<string, string> {
  const { user, nice, system, idle, iowait, irq, softirq } = f.cpu;
  // guest columns (last two) are already inside user/nice; non-zero values catch double counting.
  const cpuLine = `cpu  ${user} ${nice} ${system} ${idle} ${iowait} ${irq} ${softirq} ${f.steal} 77 11`;
  const perCpu = Array.from({ length: f.logicalCpus }, (_, n) => `cpu${n} 1 2 3 4 5 6 7 0 0 0`);
  const netHeader = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  ];
  const netLines = f.net.map(
    (i) => `${i.name.padStart(6)}: ${i.rxBytes} 10 ${i.rxErrors} 0 0 0 0 0 ${i.txBytes} 20 ${i.txErrors} 0 0 0 0 0`,
  );
  return {
    stat: [cpuLine, ...perCpu, 'intr 12345 0 0', 'ctxt 999', 'btime 1700000000', ''].join('\n'),
    meminfo: Object.entries(f.memKb)
      .map(([key, kb]) => `${`${key}:`.padEnd(16)}${String(kb).padStart(9)} kB`)
      .concat(['SwapCached:            0 kB', 'HugePages_Total:       0', ''])
      .join('\n'),
    loadavg: `${f.loadavg.join(' ')} 1/234 5678\n`,
    uptime: `${f.uptimeSeconds} 45678.90\n`,
    'net/dev': [...netHeader, ...netLines, ''].join('\n'),
    mounts: `${f.mounts}\n`,
  };
}

/** A real directory tree laid out like /proc; `omit` leaves files out to simulate a missing source. */
export class ProcFixtureDir {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  static async create(): Promise<ProcFixtureDir> {
    return new ProcFixtureDir(await mkdtemp(join(tmpdir(), 'prism-proc-')));
  }

  async write(fixture: ProcFixture, omit: readonly string[] = []): Promise<void> {
    await mkdir(join(this.root, 'net'), { recursive: true });
    for (const [file, text] of Object.entries(render(fixture))) {
      const path = join(this.root, file);
      if (omit.includes(file)) await rm(path, { force: true });
      else await writeFile(path, text);
    }
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export type FakeStatfsAnswer = StatfsResult | NodeJS.ErrnoException | 'hang';

/**
 * Stands in for statfs(2) because a test cannot create real file systems of a chosen size. Mountpoints
 * not in `answers` fail with ENOENT, as a vanished mount does.
 */
export function fakeStatfs(answers: Record<string, FakeStatfsAnswer>): StatfsFunction & { calls: string[] } {
  const calls: string[] = [];
  const statfs = (path: string): Promise<StatfsResult> => {
    calls.push(path);
    const answer = answers[path] ?? Object.assign(new Error('no such mount'), { code: 'ENOENT' });
    if (answer === 'hang') return new Promise(() => {});
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return Object.assign(statfs, { calls });
}

export function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** 4 KiB blocks: 1000 total, 300 free of which 250 available to users. */
export const ROOT_FS: StatfsResult = { bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 };
export const BACKUP_FS: StatfsResult = { bsize: 1024, blocks: 10_000, bfree: 9_000, bavail: 9_000 };

/** The policy's host metrics as DEFAULT_POLICY declares them; the privacy package does not export it yet.
 * `prism.app.level` is there to show that a policy metric the receiver does not produce is ignored. */
export const POLICY_METRICS: HostMetricRule[] = [
  ['system.cpu.utilization', '1', 'gauge'],
  ['system.cpu.logical.count', '{cpu}', 'gauge'],
  ['system.cpu.time', 's', 'counter', ['cpu.mode']],
  ['system.cpu.load_average.1m', '{thread}', 'gauge'],
  ['system.cpu.load_average.5m', '{thread}', 'gauge'],
  ['system.cpu.load_average.15m', '{thread}', 'gauge'],
  ['system.memory.limit', 'By', 'gauge'],
  ['system.memory.utilization', '1', 'gauge'],
  ['system.memory.usage', 'By', 'gauge', ['system.memory.state']],
  ['system.filesystem.utilization', '1', 'gauge', ['system.filesystem.mountpoint']],
  ['system.filesystem.usage', 'By', 'gauge', ['system.filesystem.mountpoint', 'system.filesystem.state']],
  ['system.network.io', 'By', 'counter', ['network.io.direction', 'system.device']],
  ['system.network.errors', '{error}', 'counter', ['network.io.direction']],
  ['system.uptime', 's', 'gauge'],
  ['prism.agent.uptime', 's', 'gauge'],
  ['prism.app.level', '%', 'gauge'],
].map(([name, unit, instrument, keys]) => ({
  name: name as string,
  unit: unit as string,
  description: `policy description of ${String(name)}`,
  instrument: instrument as HostMetricRule['instrument'],
  attributes: ((keys ?? []) as string[]).map((key) => ({ key })),
}));
