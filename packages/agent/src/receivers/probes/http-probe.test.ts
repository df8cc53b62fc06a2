import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpProbe } from './http-probe.js';
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
const DEFAULT_STATUS = [[200, 399]] as const;

describe('httpProbe', () => {
  let harness: ProbeHarness | undefined;
  let server: http.Server | undefined;
  let silent: SilentServer | undefined;
  const requests: http.IncomingMessage[] = [];
  let openConnections = 0;

  afterEach(async () => {
    await harness?.close();
    await silent?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    harness = undefined;
    server = undefined;
    silent = undefined;
    requests.length = 0;
  });

  async function serve(status: number, headers: Record<string, string> = {}): Promise<number> {
    server = http.createServer((req, res) => {
      requests.push(req);
      res.writeHead(status, headers).end('body');
    });
    server.on('connection', (socket) => {
      openConnections++;
      socket.on('close', () => openConnections--);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  function make(url: string, expected: readonly (readonly [number, number])[] = DEFAULT_STATUS): ProbeHarness {
    harness = probeHarness({ probe: httpProbe(url, expected), type: 'http', service: 'api', timeoutMillis: TIMEOUT });
    return harness;
  }

  it('is up on 200 over a fresh connection that is closed afterwards', async () => {
    const port = await serve(200);
    const { receiver, collect } = make(`http://127.0.0.1:${port}/health`);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: true });
    expect(result.latencyMillis).toBeGreaterThan(0);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url).toBe('/health');
    expect(requests[0]?.headers.connection).toBe('close');
    expect(await eventually(() => openConnections === 0)).toBe(true);
    const { up } = await collect();
    expect(up).toEqual([{ attributes: { 'prism.service': 'api', 'prism.service.type': 'http' }, value: 1 }]);
  });

  it('counts a redirect as the answer and does not follow it', async () => {
    const port = await serve(302, { location: 'http://elsewhere.invalid/' });
    expect(await make(`http://127.0.0.1:${port}/`).receiver.probeOnce()).toMatchObject({ up: true });
    expect(requests).toHaveLength(1);
  });

  it('is down with "HTTP 503" when the status is not expected', async () => {
    const port = await serve(503);
    const { receiver, logger } = make(`http://127.0.0.1:${port}/`);
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'HTTP 503' });
    expect(logger.lines.join('')).toContain('service "api": HTTP 503');
  });

  it('honours expected_status ranges', async () => {
    const port = await serve(204);
    expect(await make(`http://127.0.0.1:${port}/`, [[200, 200]]).receiver.probeOnce()).toMatchObject({
      up: false,
      errorCode: 'HTTP 204',
    });
    await harness?.close();
    expect(
      await make(`http://127.0.0.1:${port}/`, [
        [200, 200],
        [204, 204],
      ]).receiver.probeOnce(),
    ).toMatchObject({
      up: true,
    });
  });

  it('sends credentials from the URL as Basic auth, and never shows them', async () => {
    const port = await serve(200);
    const { receiver, logger, collectedJson } = make(`http://monitor:${CANARY}@127.0.0.1:${port}/`);
    expect(await receiver.probeOnce()).toMatchObject({ up: true });
    expect(requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`monitor:${CANARY}`).toString('base64')}`);
    expect(logger.lines.join('') + (await collectedJson())).not.toContain(CANARY);
  });

  it('is down with "connection refused" on a closed port; the password is nowhere', async () => {
    const { receiver, logger } = make(`http://monitor:${CANARY}@127.0.0.1:${await closedPort()}/`);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: false, errorCode: 'connection refused' });
    expect(logger.lines.join('') + JSON.stringify(result)).not.toContain(CANARY);
  });

  it('times out against a server that accepts and never answers, and hangs up', async () => {
    silent = await silentServer();
    const { receiver } = make(`http://127.0.0.1:${silent.port}/`);
    const { value, millis } = await timed(() => receiver.probeOnce());
    expect(value).toMatchObject({ up: false, errorCode: 'timed out', latencyMillis: TIMEOUT });
    expect(millis).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(millis).toBeLessThan(TIMEOUT + SLACK_MILLIS);
    expect(await eventually(() => silent!.open() === 0)).toBe(true);
  });
});
