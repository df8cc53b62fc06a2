/**
 * Parsers for the text of Linux /proc files. Pure functions: they take file contents and return readings,
 * or `undefined` when the text does not hold what they need, so a malformed file drops only its own part.
 */

/** Clock ticks per second in /proc/stat. Linux fixes USER_HZ at 100 on every architecture it exports to. */
export const USER_HZ = 100;

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'interrupt', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];

export interface CpuReading {
  /** Seconds spent in each mode, summed over logical CPUs, since boot. */
  readonly secondsByMode: Readonly<Record<CpuMode, number>>;
  readonly logicalCount: number;
}

export interface MemoryReading {
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** Absent on kernels older than 3.14, which lack MemAvailable. */
  readonly availableBytes: number | undefined;
  readonly buffersBytes: number;
  readonly cachedBytes: number;
}

export interface LoadReading {
  readonly load1m: number;
  readonly load5m: number;
  readonly load15m: number;
}

export interface NetworkInterfaceReading {
  readonly name: string;
  readonly receiveBytes: number;
  readonly transmitBytes: number;
  readonly receiveErrors: number;
  readonly transmitErrors: number;
}

export interface MountEntry {
  readonly device: string;
  readonly mountpoint: string;
  readonly type: string;
}

/** `Number('')` is 0; an empty field in a /proc file is missing data, not zero. */
function numeric(field: string | undefined): number {
  return field === undefined || field === '' ? NaN : Number(field);
}

export function parseStat(text: string): CpuReading | undefined {
  let aggregate: number[] | undefined;
  let logicalCount = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const label = fields[0];
    if (label === 'cpu') aggregate = fields.slice(1).map(numeric);
    else if (label !== undefined && /^cpu\d+$/.test(label)) logicalCount++;
  }
  // user nice system idle iowait irq softirq steal; guest and guest_nice are already inside user and nice.
  if (!aggregate || aggregate.length < 8 || aggregate.slice(0, 8).some((n) => !Number.isFinite(n))) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = aggregate;
  const seconds = (jiffies: number): number => jiffies / USER_HZ;
  return {
    secondsByMode: {
      user: seconds(user),
      nice: seconds(nice),
      system: seconds(system),
      idle: seconds(idle),
      iowait: seconds(iowait),
      interrupt: seconds(irq + softirq),
      steal: seconds(steal),
    },
    logicalCount: Math.max(logicalCount, 1),
  };
}

export function parseMeminfo(text: string): MemoryReading | undefined {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) kib.set(match[1], Number(match[2]));
  }
  const bytes = (key: string): number | undefined => {
    const value = kib.get(key);
    return value === undefined ? undefined : value * 1024;
  };
  const totalBytes = bytes('MemTotal');
  const freeBytes = bytes('MemFree');
  if (totalBytes === undefined || totalBytes <= 0 || freeBytes === undefined) return undefined;
  return {
    totalBytes,
    freeBytes,
    availableBytes: bytes('MemAvailable'),
    buffersBytes: bytes('Buffers') ?? 0,
    cachedBytes: bytes('Cached') ?? 0,
  };
}

export function parseLoadavg(text: string): LoadReading | undefined {
  const [load1m, load5m, load15m] = text.trim().split(/\s+/).slice(0, 3).map(numeric);
  if (load1m === undefined || load5m === undefined || load15m === undefined) return undefined;
  if (![load1m, load5m, load15m].every(Number.isFinite)) return undefined;
  return { load1m, load5m, load15m };
}

export function parseUptime(text: string): number | undefined {
  const seconds = numeric(text.trim().split(/\s+/)[0]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Loopback is left out: its traffic never leaves the host and would double-count local IPC. */
export function parseNetDev(text: string): NetworkInterfaceReading[] | undefined {
  const lines = text.split('\n');
  if (!lines[1]?.includes('|')) return undefined;
  const interfaces: NetworkInterfaceReading[] = [];
  for (const line of lines.slice(2)) {
    // Older kernels print "eth0:123" with no space once the counter is wide, so split on the colon.
    const colon = line.lastIndexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const counters = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(numeric);
    if (name === '' || name === 'lo' || counters.length < 16 || counters.some((n) => !Number.isFinite(n))) continue;
    interfaces.push({
      name,
      receiveBytes: counters[0] ?? 0,
      receiveErrors: counters[2] ?? 0,
      transmitBytes: counters[8] ?? 0,
      transmitErrors: counters[10] ?? 0,
    });
  }
  return interfaces;
}

/**
 * Pseudo, in-memory, container-layer, read-only image and network file systems. Their sizes say nothing
 * about this host's disks, and statfs on a network mount can hang.
 */
const NON_LOCAL_TYPES = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'erofs',
  'fusectl',
  'hugetlbfs',
  'iso9660',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'nfs',
  'nfs4',
  'nfsd',
  'cifs',
  'smbfs',
  'smb3',
  'ncpfs',
  'afs',
  'ceph',
  'glusterfs',
  'lustre',
  'davfs',
  '9p',
]);

/** `fuseblk` is a local disk (NTFS, exFAT via FUSE); `fuse.<name>` is a user-space file system, often remote. */
export function isLocalFileSystem(type: string): boolean {
  return !NON_LOCAL_TYPES.has(type) && !type.startsWith('fuse.');
}

/** The kernel writes space, tab, newline and backslash in mount paths as three-digit octal escapes. */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Local file systems from /proc/mounts, first mount of each device only (bind mounts repeat the device). */
export function parseMounts(text: string): MountEntry[] {
  const seenDevices = new Set<string>();
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mountpoint, type] = line.trim().split(/\s+/);
    if (device === undefined || mountpoint === undefined || type === undefined) continue;
    if (!isLocalFileSystem(type) || seenDevices.has(device)) continue;
    seenDevices.add(device);
    mounts.push({ device: unescapeMountField(device), mountpoint: unescapeMountField(mountpoint), type });
  }
  return mounts;
}
