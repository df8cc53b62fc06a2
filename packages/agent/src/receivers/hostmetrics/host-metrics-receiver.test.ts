import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { createDenyListAttributesProcessor, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { HostMetricsReceiver, counterDelta } from './host-metrics-receiver.js';
import type { HostMetricsReceiverOptions } from './host-metrics-receiver.js';
import type { FakeStatfsAnswer, ProcFixture } from './proc-fixture.test.helper.js';
import {
  BACKUP_FS,
  defaultFixture,
  errno,
  fakeStatfs,
  POLICY_METRICS,
  ProcFixtureDir,
  ROOT_FS,
} from './proc-fixture.test.helper.js';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

type Point = { attributes: Record<string, unknown>; value: unknown };
type Collected = Map<string, { unit: string; description: string; points: Point[] }>;

const INTERVAL = 10_000;
const START = Date.UTC(2026, 0, 1);
const ETH0_IO = { 'network.io.direction': 'receive', 'system.device': 'eth0' };

describe('HostMetricsReceiver', () => {
  let dir: ProcFixtureDir;
  let fixture: ProcFixture;
  let clock: ManualClock;
  let reader: CollectingReader;
  let provider: MeterProvider;
  let logger: ReturnType<typeof createMemoryLogger>;
  let receiver: HostMetricsReceiver | undefined;
  let statfsAnswers: Record<string, FakeStatfsAnswer>;

  beforeEach(async () => {
    dir = await ProcFixtureDir.create();
    fixture = defaultFixture();
    await dir.write(fixture);
    clock = new ManualClock(START);
    logger = createMemoryLogger();
    statfsAnswers = { '/': ROOT_FS, '/mnt/backup disk': BACKUP_FS };
    setUpProvider([]);
  });

  afterEach(async () => {
    await receiver?.shutdown();
    receiver = undefined;
    await provider.shutdown();
    await dir.remove();
  });

  function setUpProvider(views: ViewOptions[]): void {
    reader = new CollectingReader();
    provider = new MeterProvider({ readers: [reader], views });
  }

  function makeReceiver(overrides: Partial<HostMetricsReceiverOptions> = {}) {
    const statfs = fakeStatfs(statfsAnswers);
    receiver = new HostMetricsReceiver({
      meter: provider.getMeter('prism.hostmetrics'),
      metrics: POLICY_METRICS,
      intervalMillis: INTERVAL,
      clock,
      logger,
      agentStartMillis: START - 5_000,
      procRoot: dir.root,
      statfs,
      ...overrides,
    });
    return { receiver, statfs };
  }

  async function collect(): Promise<Collected> {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const out: Collected = new Map();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics)
        out.set(metric.descriptor.name, {
          unit: metric.descriptor.unit,
          description: metric.descriptor.description,
          points: metric.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value })),
        });
    return out;
  }

  function value(collected: Collected, name: string, attributes: Record<string, unknown> = {}): unknown {
    const key = (a: Record<string, unknown>) => JSON.stringify(Object.entries(a).sort());
    return collected.get(name)?.points.find((p) => key(p.attributes) === key(attributes))?.value;
  }

  /** Advances one interval and waits for that tick's scrape, whose file reads are real I/O. */
  async function tick(times = 1): Promise<void> {
    for (let n = 0; n < times; n++) {
      clock.advance(INTERVAL);
      await receiver?.idle();
    }
  }

  it('records levels on the first scrape, but no rates or counters until there is a baseline', async () => {
    await makeReceiver().receiver.start();
    const c = await collect();
    expect(value(c, 'system.cpu.logical.count')).toBe(4);
    expect(value(c, 'system.cpu.load_average.15m')).toBe(0.125);
    expect(value(c, 'system.memory.limit')).toBe(16_000_000 * 1024);
    expect(value(c, 'system.memory.utilization')).toBe(0.25);
    expect(value(c, 'system.memory.usage', { 'system.memory.state': 'used' })).toBe(5_000_000 * 1024);
    expect(value(c, 'system.memory.usage', { 'system.memory.state': 'cached' })).toBe(2_500_000 * 1024);
    const root = { 'system.filesystem.mountpoint': '/' };
    expect(value(c, 'system.filesystem.utilization', root)).toBe(700 / 950);
    expect(value(c, 'system.filesystem.usage', { ...root, 'system.filesystem.state': 'reserved' })).toBe(50 * 4096);
    expect(
      value(c, 'system.filesystem.usage', {
        'system.filesystem.mountpoint': '/mnt/backup disk',
        'system.filesystem.state': 'free',
      }),
    ).toBe(9_000 * 1024);
    expect(value(c, 'system.uptime')).toBe(12_345.67);
    expect(value(c, 'prism.agent.uptime')).toBe(5);
    for (const name of ['system.cpu.utilization', 'system.cpu.time', 'system.network.io', 'system.network.errors'])
      expect(c.has(name), name).toBe(false);
    expect(c.get('system.memory.limit')).toMatchObject({
      unit: 'By',
      description: 'policy description of system.memory.limit',
    });
  });

  it('records exact CPU utilization, CPU time and network deltas after the interval', async () => {
    await makeReceiver().receiver.start();
    fixture.cpu = {
      ...fixture.cpu,
      user: fixture.cpu.user + 250,
      system: fixture.cpu.system + 50,
      idle: fixture.cpu.idle + 600,
      iowait: fixture.cpu.iowait + 100,
    };
    fixture.net[1] = { name: 'eth0', rxBytes: 1_004_096, rxErrors: 5, txBytes: 500_512, txErrors: 1 };
    await dir.write(fixture);
    await tick();
    const c = await collect();
    expect(value(c, 'system.cpu.utilization')).toBe(1 - 700 / 1000);
    expect(value(c, 'system.cpu.time', { 'cpu.mode': 'user' })).toBe(2.5);
    expect(value(c, 'system.cpu.time', { 'cpu.mode': 'iowait' })).toBe(1);
    expect(value(c, 'system.cpu.time', { 'cpu.mode': 'steal' })).toBe(0);
    expect(value(c, 'system.network.io', ETH0_IO)).toBe(4_096);
    expect(value(c, 'system.network.io', { ...ETH0_IO, 'network.io.direction': 'transmit' })).toBe(512);
    expect(value(c, 'system.network.io', { ...ETH0_IO, 'system.device': 'lo' })).toBeUndefined();
    // Errors carry only the direction the policy declares, summed over interfaces.
    expect(value(c, 'system.network.errors', { 'network.io.direction': 'receive' })).toBe(3);
    expect(value(c, 'prism.agent.uptime')).toBe(15);
  });

  it('treats a counter that goes down as a reset and adds its new value', async () => {
    await makeReceiver().receiver.start();
    fixture.net[1] = { name: 'eth0', rxBytes: 700, rxErrors: 0, txBytes: 500_000, txErrors: 1 };
    fixture.net.push({ name: 'wg0', rxBytes: 42, rxErrors: 0, txBytes: 0, txErrors: 0 });
    await dir.write(fixture);
    await tick();
    const c = await collect();
    expect(value(c, 'system.network.io', ETH0_IO)).toBe(700);
    expect(value(c, 'system.network.io', { ...ETH0_IO, 'system.device': 'wg0' })).toBe(42);
    expect(counterDelta(10, 3)).toBe(3);
    expect(counterDelta(3, 10)).toBe(7);
  });

  it('keeps CPU time monotonic when the kernel steps iowait backwards', async () => {
    await makeReceiver().receiver.start();
    fixture.cpu = { ...fixture.cpu, idle: fixture.cpu.idle + 100, iowait: fixture.cpu.iowait - 10 };
    await dir.write(fixture);
    await tick();
    fixture.cpu = { ...fixture.cpu, idle: fixture.cpu.idle + 100, iowait: fixture.cpu.iowait + 15 };
    await dir.write(fixture);
    await tick();
    const c = await collect();
    expect(value(c, 'system.cpu.time', { 'cpu.mode': 'iowait' })).toBe(0.05);
    expect(value(c, 'system.cpu.time', { 'cpu.mode': 'idle' })).toBe(2);
  });

  it('still records everything else when /proc/net/dev is missing, and warns once', async () => {
    await dir.write(fixture, ['net/dev']);
    await makeReceiver().receiver.start();
    fixture.cpu = { ...fixture.cpu, user: fixture.cpu.user + 100 };
    await dir.write(fixture, ['net/dev']);
    await tick(2);
    const c = await collect();
    expect(c.has('system.network.io')).toBe(false);
    expect(value(c, 'system.cpu.utilization')).toBe(1);
    expect(value(c, 'system.memory.limit')).toBe(16_000_000 * 1024);
    const warnings = logger.lines.filter((l) => l.includes('source unavailable'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('part=network reason=ENOENT');
    expect(logger.lines.join('')).not.toContain(dir.root);
  });

  it('skips only the mount whose statfs throws', async () => {
    statfsAnswers['/'] = errno('EACCES');
    await makeReceiver().receiver.start();
    const c = await collect();
    expect(c.get('system.filesystem.utilization')?.points.map((p) => p.attributes)).toEqual([
      { 'system.filesystem.mountpoint': '/mnt/backup disk' },
    ]);
    expect(value(c, 'system.memory.limit')).toBe(16_000_000 * 1024);
    expect(logger.lines.some((l) => l.includes('file systems skipped') && l.includes('count=1'))).toBe(true);
  });

  it('sums interfaces correctly when a View drops system.device (why instruments are synchronous)', async () => {
    await provider.shutdown();
    const dropDevice = createDenyListAttributesProcessor(['system.device']);
    setUpProvider([{ instrumentName: 'system.network.io', attributesProcessors: [dropDevice] }]);
    await makeReceiver().receiver.start();
    fixture.net[1] = { name: 'eth0', rxBytes: 1_000_100, rxErrors: 2, txBytes: 500_000, txErrors: 1 };
    fixture.net[2] = { name: 'wlan0', rxBytes: 3_020, rxErrors: 0, txBytes: 4_000, txErrors: 0 };
    await dir.write(fixture);
    await tick();
    const c = await collect();
    expect(value(c, 'system.network.io', { 'network.io.direction': 'receive' })).toBe(120);
  });

  it('creates only metrics the policy lists, and skips one whose policy kind cannot carry it', async () => {
    const metrics = POLICY_METRICS.filter((m) => m.name !== 'system.uptime').map((m) =>
      m.name === 'system.cpu.time' ? { ...m, instrument: 'gauge' as const } : m,
    );
    await makeReceiver({ metrics }).receiver.start();
    await tick();
    const c = await collect();
    expect(c.has('system.uptime')).toBe(false);
    expect(c.has('system.cpu.time')).toBe(false);
    expect(c.has('prism.app.level')).toBe(false);
    expect(logger.lines.some((l) => l.includes('metric=system.cpu.time policyInstrument=gauge'))).toBe(true);
  });

  it('skips ticks while a scrape is still running, and stops asking a hung mount', async () => {
    const { receiver: r, statfs } = makeReceiver({ statfsTimeoutMillis: 25_000 });
    const callsFor = (path: string) => statfs.calls.filter((p) => p === path).length;
    await r.start();
    statfsAnswers['/'] = 'hang';
    clock.advance(INTERVAL); // scrape 2 starts; its statfs of / never answers
    await vi.waitFor(() => expect(callsFor('/')).toBe(2));
    clock.advance(2 * INTERVAL);
    expect(logger.lines.filter((l) => l.includes('tick skipped'))).toHaveLength(2);
    expect(callsFor('/mnt/backup disk')).toBe(2);

    clock.advance(5_000); // the statfs timeout: scrape 2 finishes without /
    await r.idle();
    const c = await collect();
    expect(value(c, 'system.filesystem.utilization', { 'system.filesystem.mountpoint': '/' })).toBe(700 / 950);
    expect(logger.lines.some((l) => l.includes('file systems skipped') && l.includes('count=1'))).toBe(true);

    clock.advance(5_000); // scrape 3: / is still stuck, so it is not asked again
    await r.idle();
    expect(callsFor('/mnt/backup disk')).toBe(3);
    expect(callsFor('/')).toBe(2);
  });

  it('shutdown stops the ticks and is safe twice', async () => {
    const { receiver: r, statfs } = makeReceiver();
    await r.start();
    await r.shutdown();
    await r.shutdown();
    clock.advance(10 * INTERVAL);
    await r.idle();
    expect(statfs.calls).toHaveLength(2);
    await r.start();
    expect(statfs.calls).toHaveLength(2);
  });

  it('runs against the real /proc and statfs of this machine', async () => {
    receiver = new HostMetricsReceiver({
      meter: provider.getMeter('prism.hostmetrics'),
      metrics: POLICY_METRICS,
      intervalMillis: INTERVAL,
      clock,
      logger,
      agentStartMillis: START,
    });
    await receiver.start();
    const c = await collect();
    expect(value(c, 'system.cpu.logical.count')).toBeGreaterThanOrEqual(1);
    expect(value(c, 'system.memory.limit')).toBeGreaterThan(0);
    expect(value(c, 'system.filesystem.utilization', { 'system.filesystem.mountpoint': '/' })).toBeLessThanOrEqual(1);
    expect(logger.lines).toEqual([]);
  });

  it('rejects a non-positive interval', () => {
    expect(() => makeReceiver({ intervalMillis: 0 })).toThrow(RangeError);
  });
});
