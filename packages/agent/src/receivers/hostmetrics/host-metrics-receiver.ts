import type { Meter } from '@opentelemetry/api';
import type { Clock, Ticker } from '../../component/clock.js';
import type { Component } from '../../component/component.js';
import type { Logger } from '../../component/logger.js';
import type { HostMetricRule } from './instruments.js';
import { HostInstruments } from './instruments.js';
import type { CpuMode, CpuReading, NetworkInterfaceReading } from './proc-parsers.js';
import { CPU_MODES, USER_HZ } from './proc-parsers.js';
import type { HostSnapshot, SnapshotPart, StatfsFunction } from './proc-reader.js';
import { readHostSnapshot } from './proc-reader.js';

export interface HostMetricsReceiverOptions {
  /** Meter of the MeterProvider that carries the privacy Views; attributes are recorded raw. */
  meter: Meter;
  /** The policy's metric rules; name, unit, description and instrument kind are taken from here. */
  metrics: readonly HostMetricRule[];
  intervalMillis: number;
  clock: Clock;
  logger: Logger;
  /** When the agent started (epoch milliseconds), for `prism.agent.uptime`. */
  agentStartMillis: number;
  /** The host's root as seen by the agent (config `root_path`); see `ReadHostSnapshotOptions.rootPath`. */
  rootPath?: string;
  /** Default `<rootPath>/proc`. */
  procRoot?: string;
  /** Default `fs.promises.statfs`. */
  statfs?: StatfsFunction;
  /** Default `<procRoot>/mounts`. */
  mountsFile?: string;
  /** Default 2000. */
  statfsTimeoutMillis?: number;
}

/** Growth of a kernel counter. A drop means it restarted (interface re-created, driver reset): all it shows is new. */
export function counterDelta(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Seconds rounded to whole jiffies, the kernel's resolution, so float noise does not leak into deltas. */
function jiffyRound(seconds: number): number {
  return Math.round(seconds * USER_HZ) / USER_HZ;
}

type CpuSeconds = Record<CpuMode, number>;
const DIRECTIONS = [
  ['receive', 'receiveBytes', 'receiveErrors'],
  ['transmit', 'transmitBytes', 'transmitErrors'],
] as const;

/**
 * Host health from /proc and statfs, recorded on synchronous instruments: the SDK's observable storage
 * overwrites points that a View's attributes processor merges (dropping `system.device`), synchronous
 * storage adds them. Counters are fed the growth since the previous scrape, so the first scrape only sets
 * the baseline.
 */
export class HostMetricsReceiver implements Component {
  readonly #options: HostMetricsReceiverOptions;
  readonly #instruments: HostInstruments;
  /** Mountpoints whose statfs is stuck; see `ReadHostSnapshotOptions.stalledMountpoints`. */
  readonly #stalledMountpoints = new Set<string>();
  #ticker: Ticker | undefined;
  #inFlight: Promise<void> | undefined;
  #started = false;
  #shutDown = false;
  #cpuBaseline: CpuSeconds | undefined;
  #networkBaseline: Map<string, NetworkInterfaceReading> | undefined;
  #unavailable = new Map<SnapshotPart, string>();
  #skippedMountCount = 0;

  constructor(options: HostMetricsReceiverOptions) {
    if (!(Number.isFinite(options.intervalMillis) && options.intervalMillis > 0)) {
      throw new RangeError('hostmetrics intervalMillis must be a positive number of milliseconds');
    }
    this.#options = options;
    this.#instruments = new HostInstruments(options.meter, options.metrics, options.logger);
  }

  async start(): Promise<void> {
    if (this.#started || this.#shutDown) return;
    this.#started = true;
    await this.#beginScrape();
    if (this.#shutDown) return;
    this.#ticker = this.#options.clock.every(this.#options.intervalMillis, () => {
      if (this.#inFlight) {
        this.#options.logger.warn('host metrics scrape still running; tick skipped', {
          intervalMillis: this.#options.intervalMillis,
        });
        return;
      }
      void this.#beginScrape();
    });
  }

  /** Resolves once no scrape is running; lets a caller (a test, a one-shot status) see a tick's data. */
  async idle(): Promise<void> {
    await this.#inFlight;
  }

  /** Stops the ticker and waits for a scrape in progress, so nothing is recorded after it resolves. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    this.#ticker?.cancel();
    this.#ticker = undefined;
    await this.#inFlight;
  }

  /** Never rejects; the promise is kept in `#inFlight` until it settles. */
  #beginScrape(): Promise<void> {
    const scrape = this.#scrape()
      .catch((error: unknown) => {
        this.#options.logger.error('host metrics scrape failed', {
          error: error instanceof Error ? error.name : typeof error,
        });
      })
      .finally(() => {
        if (this.#inFlight === scrape) this.#inFlight = undefined;
      });
    this.#inFlight = scrape;
    return scrape;
  }

  async #scrape(): Promise<void> {
    const { rootPath, procRoot, statfs, mountsFile, statfsTimeoutMillis, clock } = this.#options;
    const snapshot = await readHostSnapshot({
      rootPath,
      procRoot,
      statfs,
      mountsFile,
      statfsTimeoutMillis,
      clock,
      stalledMountpoints: this.#stalledMountpoints,
    });
    this.#logAvailability(snapshot);
    this.#recordCpu(snapshot.cpu);
    this.#recordMemoryAndLoad(snapshot);
    this.#recordFileSystems(snapshot);
    this.#recordNetwork(snapshot.network);
    const i = this.#instruments;
    if (snapshot.uptimeSeconds !== undefined) i.level('system.uptime', snapshot.uptimeSeconds);
    i.level('prism.agent.uptime', (clock.now() - this.#options.agentStartMillis) / 1000);
  }

  /** Logs only changes, so a permanently missing file (no /proc/net/dev in a sandbox) warns once. */
  #logAvailability(snapshot: HostSnapshot): void {
    const { logger } = this.#options;
    for (const [part, reason] of snapshot.unavailable) {
      if (!this.#unavailable.has(part))
        logger.warn('host metrics source unavailable; its metrics are skipped', { part, reason });
    }
    for (const part of this.#unavailable.keys()) {
      if (!snapshot.unavailable.has(part)) logger.info('host metrics source available again', { part });
    }
    this.#unavailable = new Map(snapshot.unavailable);
    if (snapshot.skippedMountCount !== this.#skippedMountCount && snapshot.skippedMountCount > 0) {
      logger.warn('file systems skipped: statfs failed or did not answer in time', {
        count: snapshot.skippedMountCount,
      });
    }
    this.#skippedMountCount = snapshot.skippedMountCount;
  }

  #recordCpu(cpu: CpuReading | undefined): void {
    if (!cpu) return;
    const i = this.#instruments;
    i.level('system.cpu.logical.count', cpu.logicalCount);
    const previous = this.#cpuBaseline;
    // The kernel's iowait can step backwards; keeping the highest value seen keeps the counter monotonic.
    const baseline = {} as CpuSeconds;
    for (const mode of CPU_MODES) baseline[mode] = Math.max(previous?.[mode] ?? 0, cpu.secondsByMode[mode]);
    this.#cpuBaseline = baseline;
    if (!previous) return;
    let total = 0;
    let idle = 0;
    for (const mode of CPU_MODES) {
      const delta = jiffyRound(baseline[mode] - previous[mode]);
      i.delta('system.cpu.time', delta, { 'cpu.mode': mode });
      total += delta;
      if (mode === 'idle' || mode === 'iowait') idle += delta;
    }
    if (total > 0) i.level('system.cpu.utilization', 1 - idle / total);
  }

  #recordMemoryAndLoad({ memory, load }: HostSnapshot): void {
    const i = this.#instruments;
    if (load) {
      i.level('system.cpu.load_average.1m', load.load1m);
      i.level('system.cpu.load_average.5m', load.load5m);
      i.level('system.cpu.load_average.15m', load.load15m);
    }
    if (!memory) return;
    const { totalBytes, freeBytes, availableBytes, buffersBytes, cachedBytes } = memory;
    i.level('system.memory.limit', totalBytes);
    if (availableBytes !== undefined) i.level('system.memory.utilization', (totalBytes - availableBytes) / totalBytes);
    const state = 'system.memory.state';
    i.level('system.memory.usage', Math.max(totalBytes - freeBytes - buffersBytes - cachedBytes, 0), {
      [state]: 'used',
    });
    i.level('system.memory.usage', freeBytes, { [state]: 'free' });
    i.level('system.memory.usage', cachedBytes, { [state]: 'cached' });
    i.level('system.memory.usage', buffersBytes, { [state]: 'buffers' });
  }

  #recordFileSystems({ filesystems }: HostSnapshot): void {
    const i = this.#instruments;
    for (const fs of filesystems ?? []) {
      const mountpoint = { 'system.filesystem.mountpoint': fs.mountpoint };
      const usable = fs.usedBytes + fs.freeBytes;
      if (usable > 0) i.level('system.filesystem.utilization', fs.usedBytes / usable, mountpoint);
      const state = 'system.filesystem.state';
      i.level('system.filesystem.usage', fs.usedBytes, { ...mountpoint, [state]: 'used' });
      i.level('system.filesystem.usage', fs.freeBytes, { ...mountpoint, [state]: 'free' });
      i.level('system.filesystem.usage', fs.reservedBytes, { ...mountpoint, [state]: 'reserved' });
    }
  }

  /**
   * A failed read keeps the old baseline, so the next good read adds the growth in between. An interface
   * that appears after the baseline (a VPN coming up) started after the agent: all its bytes are new.
   */
  #recordNetwork(network: readonly NetworkInterfaceReading[] | undefined): void {
    if (!network) return;
    const previous = this.#networkBaseline;
    this.#networkBaseline = new Map(network.map((reading) => [reading.name, reading]));
    if (!previous) return;
    const i = this.#instruments;
    for (const reading of network) {
      const before = previous.get(reading.name);
      for (const [direction, bytesKey, errorsKey] of DIRECTIONS) {
        const delta = (key: typeof bytesKey | typeof errorsKey): number =>
          before ? counterDelta(before[key], reading[key]) : reading[key];
        // `system.device` goes only where the policy declares it; elsewhere its View would drop and count it.
        const device = (metric: 'system.network.io' | 'system.network.errors') =>
          i.declares(metric, 'system.device') ? { 'system.device': reading.name } : {};
        const attributes = { 'network.io.direction': direction };
        i.delta('system.network.io', delta(bytesKey), { ...attributes, ...device('system.network.io') });
        i.delta('system.network.errors', delta(errorsKey), { ...attributes, ...device('system.network.errors') });
      }
    }
  }
}
