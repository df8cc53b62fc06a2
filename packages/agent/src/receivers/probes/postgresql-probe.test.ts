import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresqlProbe } from './postgresql-probe.js';
import {
  CANARY,
  closedPort,
  eventually,
  POSTGRES,
  probeHarness,
  requireService,
  silentServer,
  SLACK_MILLIS,
  tcpHandles,
  timed,
  type ProbeHarness,
  type SilentServer,
} from './probe-fixtures.test.helper.js';

const TIMEOUT = 400;
const WITH_PASSWORD = `postgres://postgres:${CANARY}@${POSTGRES.host}:${POSTGRES.port}/test`;

describe('postgresqlProbe', () => {
  let harness: ProbeHarness | undefined;
  let silent: SilentServer | undefined;

  beforeAll(async () => {
    await requireService('PostgreSQL', POSTGRES);
    await postgresqlProbe(WITH_PASSWORD).prepare?.();
  });
  afterEach(async () => {
    await harness?.close();
    await silent?.close();
    harness = undefined;
    silent = undefined;
  });

  function make(connectionString: string): ProbeHarness {
    harness = probeHarness({
      probe: postgresqlProbe(connectionString),
      type: 'postgresql',
      service: 'db',
      timeoutMillis: TIMEOUT,
    });
    return harness;
  }

  it('is up against the real PostgreSQL, and the password in the connection string is nowhere', async () => {
    const before = tcpHandles();
    const { receiver, collect, logger, collectedJson } = make(WITH_PASSWORD);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: true });
    expect(result.latencyMillis).toBeGreaterThan(0);
    const { up, latency } = await collect();
    const attributes = { 'prism.service': 'db', 'prism.service.type': 'postgresql' };
    expect(up).toEqual([{ attributes, value: 1 }]);
    expect(latency[0]?.value).toBeGreaterThan(0);
    expect(logger.lines.join('') + (await collectedJson())).not.toContain(CANARY);
    expect(await eventually(() => tcpHandles() <= before)).toBe(true);
  });

  it('says "database not found" without naming the database', async () => {
    const { receiver, logger } = make(`postgres://postgres@${POSTGRES.host}:${POSTGRES.port}/no_such_db_canary`);
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'database not found' });
    expect(logger.lines.join('')).not.toContain('no_such_db_canary');
  });

  it('says "authentication failed" for a role the server refuses, without naming the role', async () => {
    const { receiver, logger } = make(`postgres://nobody_canary:${CANARY}@${POSTGRES.host}:${POSTGRES.port}/test`);
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'authentication failed' });
    expect(logger.lines.join('')).not.toMatch(/nobody_canary|s3cretCanary/);
  });

  it('is down with "connection refused" on a closed port; the password is nowhere', async () => {
    const { receiver, logger, collectedJson } = make(
      `postgres://postgres:${CANARY}@127.0.0.1:${await closedPort()}/test`,
    );
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: false, errorCode: 'connection refused' });
    expect((await harness!.collect()).up[0]?.value).toBe(0);
    expect(logger.lines.join('') + JSON.stringify(result) + (await collectedJson())).not.toContain(CANARY);
  });

  it('times out against a server that accepts and never answers, and hangs up', async () => {
    silent = await silentServer();
    const { receiver } = make(`postgres://postgres:${CANARY}@127.0.0.1:${silent.port}/test`);
    const { value, millis } = await timed(() => receiver.probeOnce());
    expect(value).toMatchObject({ up: false, errorCode: 'timed out', latencyMillis: TIMEOUT });
    expect(millis).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(millis).toBeLessThan(TIMEOUT + SLACK_MILLIS);
    expect(silent.accepted()).toBe(1);
    expect(await eventually(() => silent!.open() === 0)).toBe(true);
  });
});
