import neo4j from 'neo4j-driver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBoltServer, type FakeBoltServer } from './fake-bolt-server.test.helper.js';
import { neo4jProbe } from './neo4j-probe.js';
import {
  CANARY,
  closedPort,
  eventually,
  probeHarness,
  silentServer,
  SLACK_MILLIS,
  timed,
  type ProbeHarness,
  type SilentServer,
} from './probe-fixtures.test.helper.js';

const TIMEOUT = 400;

describe('fakeBoltServer (no Neo4j runs here)', () => {
  let bolt: FakeBoltServer;
  afterEach(async () => bolt.close());

  it('is accepted by the official driver, so the probe is tested against real Bolt framing', async () => {
    bolt = await fakeBoltServer({ username: 'neo4j', password: CANARY });
    const driver = neo4j.driver(`bolt://127.0.0.1:${bolt.port}`, neo4j.auth.basic('neo4j', CANARY));
    try {
      const info = await driver.getServerInfo();
      expect(info.agent).toBe('Neo4j/5.26.0');
    } finally {
      await driver.close();
    }
  });

  it('refuses the official driver a wrong password with Neo4j’s Unauthorized code', async () => {
    bolt = await fakeBoltServer({ username: 'neo4j', password: CANARY });
    const driver = neo4j.driver(`bolt://127.0.0.1:${bolt.port}`, neo4j.auth.basic('neo4j', 'wrong'));
    try {
      await expect(driver.verifyConnectivity()).rejects.toMatchObject({
        code: 'Neo.ClientError.Security.Unauthorized',
      });
    } finally {
      await driver.close();
    }
  });
});

describe('neo4jProbe', () => {
  let harness: ProbeHarness | undefined;
  let bolt: FakeBoltServer | undefined;
  let silent: SilentServer | undefined;

  beforeEach(() => {
    harness = undefined;
    bolt = undefined;
    silent = undefined;
  });
  afterEach(async () => {
    await harness?.close();
    await bolt?.close();
    await silent?.close();
  });

  function make(target: Parameters<typeof neo4jProbe>[0]): ProbeHarness {
    harness = probeHarness({ probe: neo4jProbe(target), type: 'neo4j', service: 'graph', timeoutMillis: TIMEOUT });
    return harness;
  }

  it('is up after the handshake when no username is configured, and closes its connection', async () => {
    bolt = await fakeBoltServer();
    const { receiver, collect } = make({ host: '127.0.0.1', port: bolt.port });
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: true });
    expect(result.latencyMillis).toBeGreaterThan(0);
    expect(bolt.received).toEqual([]);
    expect(await eventually(() => bolt!.open() === 0)).toBe(true);
    const { up } = await collect();
    expect(up).toEqual([{ attributes: { 'prism.service': 'graph', 'prism.service.type': 'neo4j' }, value: 1 }]);
  });

  it.each([
    ['5.4 (HELLO, then LOGON)', { major: 5, minor: 4 }, [0x01, 0x6a, 0x02]],
    ['4.4 (credentials in HELLO)', { major: 4, minor: 4 }, [0x01, 0x02]],
  ])('logs in over Bolt %s and says goodbye', async (_name, version, signatures) => {
    bolt = await fakeBoltServer({ version, username: 'neo4j', password: CANARY });
    const { receiver } = make({ host: '127.0.0.1', port: bolt.port, username: 'neo4j', password: CANARY });
    expect(await receiver.probeOnce()).toMatchObject({ up: true });
    expect(await eventually(() => bolt!.received.length === signatures.length)).toBe(true);
    expect(bolt.received.map((m) => m.signature)).toEqual(signatures);
    const auth = bolt.received.map((m) => m.fields[0]).find((f) => JSON.stringify(f).includes('principal'));
    expect(auth).toMatchObject({ scheme: 'basic', principal: 'neo4j', credentials: CANARY });
  });

  it('reports a refused login as authentication failed, without the password anywhere', async () => {
    bolt = await fakeBoltServer({ username: 'neo4j', password: 'the-right-one' });
    const { receiver, logger, collectedJson } = make({
      host: '127.0.0.1',
      port: bolt.port,
      username: 'neo4j',
      password: CANARY,
    });
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'authentication failed' });
    expect(logger.lines.join('')).toContain('service "graph": authentication failed');
    expect(logger.lines.join('') + (await collectedJson())).not.toContain(CANARY);
  });

  it('is down with "connection refused" on a closed port', async () => {
    const { receiver, collect } = make({ host: '127.0.0.1', port: await closedPort() });
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'connection refused' });
    expect((await collect()).up[0]?.value).toBe(0);
  });

  it('times out against a server that accepts and never answers, and hangs up', async () => {
    silent = await silentServer();
    const { receiver, collect } = make({ host: '127.0.0.1', port: silent.port, username: 'neo4j', password: CANARY });
    const { value, millis } = await timed(() => receiver.probeOnce());
    expect(value).toMatchObject({ up: false, errorCode: 'timed out', latencyMillis: TIMEOUT });
    expect(millis).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(millis).toBeLessThan(TIMEOUT + SLACK_MILLIS);
    expect(silent.accepted()).toBe(1);
    expect(await eventually(() => silent!.open() === 0)).toBe(true);
    expect((await collect()).latency[0]?.value).toBeCloseTo(TIMEOUT / 1000);
  });

  it('speaks TLS: +ssc accepts a self-signed certificate, +s refuses it with "TLS error"', async () => {
    bolt = await fakeBoltServer({ tls: true, username: 'neo4j', password: CANARY });
    const target = { host: '127.0.0.1', port: bolt.port, username: 'neo4j', password: CANARY };
    expect(await make({ ...target, tls: 'self-signed' }).receiver.probeOnce()).toMatchObject({ up: true });
    await harness?.close();
    expect(await make({ ...target, tls: 'verify' }).receiver.probeOnce()).toMatchObject({
      up: false,
      errorCode: 'TLS error',
    });
  });

  it('says "unexpected answer" when the port speaks HTTP', async () => {
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { receiver } = make({ host: '127.0.0.1', port });
      expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'unexpected answer' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
