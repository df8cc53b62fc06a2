import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../component/clock.js';
import { systemClock } from '../../component/clock.js';
import type { CpuReading, LoadReading, MemoryReading, MountEntry, NetworkInterfaceReading } from './proc-parsers.js';
import { parseLoadavg, parseMeminfo, parseMounts, parseNetDev, parseStat, parseUptime } from './proc-parsers.js';

/** The fields of `fs.StatsFs` this reader uses; counts are in blocks of `bsize` bytes. */
export interface StatfsResult {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

export type StatfsFunction = (path: string) => Promise<StatfsResult>;

export interface FileSystemReading {
  readonly mountpoint: string;
  readonly type: string;
  readonly totalBytes: number;
  readonly usedBytes: number;
  /** Available to unprivileged users. */
  readonly freeBytes: number;
  /** Kept back for root (ext4 reserves 5% by default). */
  readonly reservedBytes: number;
}

export const SNAPSHOT_PARTS = ['cpu', 'memory', 'load', 'uptime', 'network', 'filesystems'] as const;
export type SnapshotPart = (typeof SNAPSHOT_PARTS)[number];

/** Raw readings; a part is `undefined` when its source could not be read or parsed. */
export interface HostSnapshot {
  readonly cpu: CpuReading | undefined;
  readonly memory: MemoryReading | undefined;
  readonly load: LoadReading | undefined;
  readonly uptimeSeconds: number | undefined;
  readonly network: readonly NetworkInterfaceReading[] | undefined;
  readonly filesystems: readonly FileSystemReading[] | undefined;
  /** The parts that are `undefined`, with a short reason (an errno code or `unparseable`), for logging. */
  readonly unavailable: ReadonlyMap<SnapshotPart, string>;
  /** Mounts left out because statfs failed, timed out, or is still stuck from an earlier scrape. */
  readonly skippedMountCount: number;
}

export interface ReadHostSnapshotOptions {
  /**
   * Where the host's root file system is visible, as the collector's `root_path` (`/hostfs` in a container).
   * statfs is called on `<rootPath><mountpoint>`; readings keep the mountpoint as the host names it. Default `/`.
   */
  rootPath?: string;
  /** Where procfs is mounted; tests point it at a fixture tree. Default `<rootPath>/proc`. */
  procRoot?: string;
  statfs?: StatfsFunction;
  /** Default `<procRoot>/mounts`, falling back to `<procRoot>/self/mounts`. */
  mountsFile?: string;
  /** A statfs that has not answered by then (a hung network or FUSE mount) skips its mount. Default 2000. */
  statfsTimeoutMillis?: number;
  /** Runs the statfs timeout, so tests control it. Default: the system clock. */
  clock?: Clock;
  /**
   * Mountpoints whose statfs has not returned yet, shared between scrapes by the caller. They are skipped
   * until that call settles, so a hung mount holds one libuv thread rather than a new one every scrape.
   */
  stalledMountpoints?: Set<string>;
}

const DEFAULT_STATFS_TIMEOUT_MILLIS = 2000;

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

async function readParsed<T>(path: string, parse: (text: string) => T | undefined): Promise<Outcome<T>> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
  const value = parse(text);
  return value === undefined ? { ok: false, reason: 'unparseable' } : { ok: true, value };
}

async function readMounts(procRoot: string, mountsFile: string | undefined): Promise<Outcome<MountEntry[]>> {
  if (mountsFile !== undefined) return readParsed(mountsFile, parseMounts);
  const outcome = await readParsed(join(procRoot, 'mounts'), parseMounts);
  return outcome.ok ? outcome : readParsed(join(procRoot, 'self', 'mounts'), parseMounts);
}

function withTimeout<T>(promise: Promise<T>, clock: Clock, timeoutMillis: number): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const ticker = clock.every(timeoutMillis, () => {
      ticker.cancel();
      resolve('timeout');
    });
    promise.then(
      (value) => {
        ticker.cancel();
        resolve(value);
      },
      (error: unknown) => {
        ticker.cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

interface StatfsContext {
  rootPath: string;
  statfs: StatfsFunction;
  clock: Clock;
  timeoutMillis: number;
  stalled: Set<string>;
}

async function statMount(mount: MountEntry, context: StatfsContext): Promise<FileSystemReading | undefined> {
  const { mountpoint } = mount;
  if (context.stalled.has(mountpoint)) return undefined;
  let result: StatfsResult | 'timeout';
  try {
    context.stalled.add(mountpoint);
    const call = context.statfs(context.rootPath === '/' ? mountpoint : join(context.rootPath, mountpoint));
    void call.then(
      () => context.stalled.delete(mountpoint),
      () => context.stalled.delete(mountpoint),
    );
    result = await withTimeout(call, context.clock, context.timeoutMillis);
  } catch {
    context.stalled.delete(mountpoint);
    return undefined;
  }
  if (result === 'timeout') return undefined;
  const { bsize, blocks, bfree, bavail } = result;
  // Pseudo file systems that slip past the type filter report zero blocks; they have no size to show.
  if (!(blocks > 0 && bsize > 0)) return undefined;
  const totalBytes = blocks * bsize;
  return {
    mountpoint,
    type: mount.type,
    totalBytes,
    usedBytes: totalBytes - bfree * bsize,
    freeBytes: bavail * bsize,
    reservedBytes: Math.max(bfree - bavail, 0) * bsize,
  };
}

async function readFileSystems(
  procRoot: string,
  options: ReadHostSnapshotOptions,
): Promise<Outcome<{ filesystems: FileSystemReading[]; skipped: number }>> {
  const mounts = await readMounts(procRoot, options.mountsFile);
  if (!mounts.ok) return mounts;
  const context: StatfsContext = {
    rootPath: options.rootPath ?? '/',
    statfs: options.statfs ?? ((path) => fsp.statfs(path)),
    clock: options.clock ?? systemClock,
    timeoutMillis: options.statfsTimeoutMillis ?? DEFAULT_STATFS_TIMEOUT_MILLIS,
    stalled: options.stalledMountpoints ?? new Set(),
  };
  const readings = await Promise.all(mounts.value.map((mount) => statMount(mount, context)));
  const filesystems = readings.filter((reading) => reading !== undefined);
  return { ok: true, value: { filesystems, skipped: readings.length - filesystems.length } };
}

/**
 * Reads host health from procfs and statfs without spawning anything. Never rejects: each file that is
 * missing or unreadable leaves only its own part of the snapshot `undefined`.
 */
export async function readHostSnapshot(options: ReadHostSnapshotOptions = {}): Promise<HostSnapshot> {
  const procRoot = options.procRoot ?? join(options.rootPath ?? '/', 'proc');
  const [cpu, memory, load, uptime, network, filesystems] = await Promise.all([
    readParsed(join(procRoot, 'stat'), parseStat),
    readParsed(join(procRoot, 'meminfo'), parseMeminfo),
    readParsed(join(procRoot, 'loadavg'), parseLoadavg),
    readParsed(join(procRoot, 'uptime'), parseUptime),
    readParsed(join(procRoot, 'net', 'dev'), parseNetDev),
    readFileSystems(procRoot, options),
  ]);
  const unavailable = new Map<SnapshotPart, string>();
  const valueOf = <T>(part: SnapshotPart, outcome: Outcome<T>): T | undefined => {
    if (outcome.ok) return outcome.value;
    unavailable.set(part, outcome.reason);
    return undefined;
  };
  const fs = valueOf('filesystems', filesystems);
  return {
    cpu: valueOf('cpu', cpu),
    memory: valueOf('memory', memory),
    load: valueOf('load', load),
    uptimeSeconds: valueOf('uptime', uptime),
    network: valueOf('network', network),
    filesystems: fs?.filesystems,
    unavailable,
    skippedMountCount: fs?.skipped ?? 0,
  };
}
