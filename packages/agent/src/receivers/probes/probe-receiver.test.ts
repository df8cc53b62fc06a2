import { buildManifest, DEFAULT_POLICY, PRIVACY_LEVELS, type PrivacyLevel } from '@prism-telemetry/privacy';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { ProbeFailure } from './probe-errors.js';
import { probeHarness, type ProbeHarness } from './probe-fixtures.test.helper.js';
import { ProbeReceiver, type Probe } from './probe-receiver.js';

const INTERVAL = 1_000;
const TIMEOUT = 400;

/** Lets promise callbacks run after a manual clock step. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A probe the test resolves or fails by hand; it can ignore aborts, like a driver that hangs. */
function manualProbe(options: { ignoresAbort?: boolean } = {}) {
  const calls: { signal: AbortSignal; succeed: () => void; fail: (error: unknown) => void }[] = [];
  const probe: Probe = {
    check: (signal) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ signal, succeed: resolve, fail: reject });
        if (!options.ignoresAbort) signal.addEventListener('abort', () => reject(new Error('aborted')));
      }),
  };
  return { probe, calls };
}

describe('ProbeReceiver', () => {
  let clock: ManualClock;
  let harness: ProbeHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  function make(probe: Probe, level: PrivacyLevel = 'standard'): ProbeHarness {
    clock = new ManualClock();
    harness = probeHarness({
      probe,
      type: 'redis',
      service: 'cache',
      timeoutMillis: TIMEOUT,
      intervalMillis: INTERVAL,
      clock,
      level,
    });
    return harness;
  }

  it('probes at start and then once per interval, recording up and latency for up and down results', async () => {
    const { probe, calls } = manualProbe();
    const { receiver, collect } = make(probe);
    await receiver.start();
    await settle();
    expect(calls).toHaveLength(1);
    calls[0]!.succeed();
    await receiver.idle();
    expect(receiver.lastResult()).toMatchObject({ up: true, at: clock.now() });
    expect((await collect()).up.map((p) => p.value)).toEqual([1]);

    clock.advance(INTERVAL);
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]!.fail(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), { code: 'ECONNREFUSED' }));
    await receiver.idle();
    expect(receiver.lastResult()).toMatchObject({ up: false, errorCode: 'connection refused' });
    const { up, latency } = await collect();
    expect(up).toEqual([{ attributes: { 'prism.service': 'cache', 'prism.service.type': 'redis' }, value: 0 }]);
    expect(latency).toHaveLength(1);
  });

  it('records a service as down when its client library cannot be loaded', async () => {
    let checks = 0;
    const { receiver, collect } = make({
      prepare: async () => {
        throw Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
      },
      check: async () => void checks++,
    });
    await receiver.start();
    await settle();
    await receiver.idle();
    expect(checks).toBe(0);
    expect(receiver.lastResult()).toMatchObject({ up: false });
    expect((await collect()).up.map((p) => p.value)).toEqual([0]);
  });

  it('times out on the injected clock and aborts the probe', async () => {
    const { probe, calls } = manualProbe();
    const { receiver, collect } = make(probe);
    const result = receiver.probeOnce();
    await settle();
    clock.advance(TIMEOUT - 1);
    await settle();
    expect(calls[0]!.signal.aborted).toBe(false);
    clock.advance(1);
    expect(await result).toMatchObject({ up: false, errorCode: 'timed out', latencyMillis: TIMEOUT });
    expect(calls[0]!.signal.aborted).toBe(true);
    expect((await collect()).latency[0]?.value).toBe(TIMEOUT / 1000);
  });

  it('keeps one probe in flight: a probe that ignores its abort holds off the next tick until it is abandoned', async () => {
    const { probe, calls } = manualProbe({ ignoresAbort: true });
    const { receiver, logger } = make(probe);
    await receiver.start();
    await settle();
    clock.advance(TIMEOUT);
    await settle();
    expect(receiver.lastResult()).toMatchObject({ errorCode: 'timed out' });
    clock.advance(INTERVAL - TIMEOUT);
    await settle();
    expect(calls).toHaveLength(1);
    expect(logger.lines.join('')).toContain('tick skipped');
    clock.advance(1_000);
    await settle();
    expect(logger.lines.join('')).toContain('did not close in time');
    clock.advance(INTERVAL);
    await settle();
    expect(calls).toHaveLength(2);
    // Shutdown aborts, but this probe ignores aborts: it would wait for the timeout on a clock nobody advances.
    calls[1]!.succeed();
  });

  it('aborts the probe in flight on shutdown and records nothing after', async () => {
    const { probe, calls } = manualProbe();
    const { receiver, collect } = make(probe);
    await receiver.start();
    await settle();
    await receiver.shutdown();
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(receiver.lastResult()).toBeUndefined();
    expect((await collect()).up).toEqual([]);
    clock.advance(INTERVAL * 3);
    await settle();
    expect(calls).toHaveLength(1);
    await receiver.shutdown();
  });

  it('logs changes of state only', async () => {
    let next: () => Promise<void> = async () => {};
    const { receiver, logger } = make({ check: () => next() });
    const lines = () =>
      logger.lines.filter((l) => l.includes('service "cache"')).map((l) => l.split(' ').slice(1).join(' '));
    await receiver.probeOnce();
    await receiver.probeOnce();
    next = () => Promise.reject(new ProbeFailure('authentication failed'));
    await receiver.probeOnce();
    await receiver.probeOnce();
    next = () => Promise.reject(new ProbeFailure('HTTP 503'));
    await receiver.probeOnce();
    next = async () => {};
    await receiver.probeOnce();
    expect(lines()).toEqual([
      'info service "cache": up type=redis\n',
      'warn service "cache": authentication failed type=redis\n',
      'warn service "cache": HTTP 503 type=redis\n',
      'info service "cache": up type=redis\n',
    ]);
  });

  it.each(PRIVACY_LEVELS)('emits at %s exactly what that level’s manifest says, with its treatment', async (level) => {
    const { receiver, collect } = make({ check: async () => {} }, level);
    await receiver.probeOnce();
    const manifest = buildManifest(DEFAULT_POLICY, level);
    const { up, latency } = await collect();
    for (const [name, points] of [
      ['prism.service.up', up],
      ['prism.service.latency', latency],
    ] as const) {
      const entry = manifest.metrics.find((m) => m.name === name);
      expect(entry, `${name} at ${level}`).toBeDefined();
      expect(points).toHaveLength(1);
      for (const [key, value] of Object.entries(points[0]!.attributes)) {
        const treatment = entry!.attributes.find((a) => a.key === key)?.treatment;
        if (treatment === 'hash') expect(value, `${name}{${key}} at ${level}`).toMatch(/^anon:[0-9a-f]{32}$/);
        else expect(treatment, `${name}{${key}} at ${level}`).toBe('keep');
      }
      expect(Object.keys(points[0]!.attributes).sort()).toEqual(['prism.service', 'prism.service.type']);
    }
    expect(up[0]!.attributes['prism.service.type']).toBe('redis');
    if (level === 'minimal') expect(up[0]!.attributes['prism.service']).not.toBe('cache');
  });

  it('refuses a timeout that is not below the interval', () => {
    const options = {
      meter: { createGauge: () => ({ record: () => {} }) } as never,
      metrics: [],
      service: 'cache',
      type: 'redis' as const,
      probe: { check: async () => {} },
      clock: new ManualClock(),
      logger: createMemoryLogger(),
    };
    expect(() => new ProbeReceiver({ ...options, intervalMillis: 1_000, timeoutMillis: 1_000 })).toThrow(RangeError);
    expect(() => new ProbeReceiver({ ...options, intervalMillis: 0, timeoutMillis: 1 })).toThrow(RangeError);
  });
});
