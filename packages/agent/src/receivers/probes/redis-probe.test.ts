import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  closedPort,
  eventually,
  probeHarness,
  REDIS,
  requireService,
  silentServer,
  SLACK_MILLIS,
  tcpHandles,
  timed,
  type ProbeHarness,
  type SilentServer,
} from './probe-fixtures.test.helper.js';
import { redisProbe } from './redis-probe.js';

const TIMEOUT = 400;

describe('redisProbe', () => {
  let harness: ProbeHarness | undefined;
  let silent: SilentServer | undefined;

  beforeAll(async () => {
    await requireService('Redis', REDIS);
    await redisProbe('redis://127.0.0.1:6379').prepare?.();
  });
  afterEach(async () => {
    await harness?.close();
    await silent?.close();
    harness = undefined;
    silent = undefined;
  });

  function make(url: string): ProbeHarness {
    harness = probeHarness({ probe: redisProbe(url), type: 'redis', service: 'cache', timeoutMillis: TIMEOUT });
    return harness;
  }

  it('is up against the real Redis, with a latency, and leaves no socket behind', async () => {
    const before = tcpHandles();
    const { receiver, collect, logger } = make(`redis://${REDIS.host}:${REDIS.port}`);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: true });
    expect(result.errorCode).toBeUndefined();
    expect(result.latencyMillis).toBeGreaterThan(0);
    expect(receiver.lastResult()).toEqual(result);
    const { up, latency } = await collect();
    const attributes = { 'prism.service': 'cache', 'prism.service.type': 'redis' };
    expect(up).toEqual([{ attributes, value: 1 }]);
    expect(latency).toEqual([{ attributes, value: result.latencyMillis / 1000 }]);
    expect(logger.lines.join('')).toContain('service "cache": up');
    expect(await eventually(() => tcpHandles() <= before)).toBe(true);
  });

  it('is down with "connection refused" on a closed port; the password is nowhere', async () => {
    const { receiver, collect, logger, collectedJson } = make(`redis://:${CANARY}@127.0.0.1:${await closedPort()}`);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: false, errorCode: 'connection refused' });
    expect(result.latencyMillis).toBeGreaterThan(0);
    const { up, latency } = await collect();
    expect(up[0]?.value).toBe(0);
    expect(latency[0]?.value).toBeGreaterThan(0);
    expect(logger.lines.join('')).toContain('warn service "cache": connection refused');
    const everything = logger.lines.join('') + JSON.stringify(result) + (await collectedJson());
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain('127.0.0.1');
  });

  it('times out against a server that accepts and never answers, and hangs up', async () => {
    silent = await silentServer();
    const { receiver } = make(`redis://:${CANARY}@127.0.0.1:${silent.port}`);
    const { value, millis } = await timed(() => receiver.probeOnce());
    expect(value).toMatchObject({ up: false, errorCode: 'timed out', latencyMillis: TIMEOUT });
    expect(millis).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(millis).toBeLessThan(TIMEOUT + SLACK_MILLIS);
    expect(silent.accepted()).toBe(1);
    expect(await eventually(() => silent!.open() === 0)).toBe(true);
  });

  it('says "host not found" for a name that does not resolve', async () => {
    const { receiver } = make('redis://no-such-host.invalid:6379');
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'host not found' });
  });

  it('logs a change of state once, not every probe', async () => {
    const { receiver, logger } = make(`redis://127.0.0.1:${await closedPort()}`);
    await receiver.probeOnce();
    await receiver.probeOnce();
    expect(logger.lines.filter((l) => l.includes('service "cache"'))).toHaveLength(1);
  });
});
