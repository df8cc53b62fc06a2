import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestRemoteDeletion } from './remote-delete.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const CLUSTER = '0123456789abcdef0123456789abcdef';

describe('requestRemoteDeletion', () => {
  it('sends DELETE <origin>/v1/data/<cluster id>, whatever path the endpoint has', async () => {
    const seen: string[] = [];
    const port = await listen((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(202, { 'content-type': 'text/plain' }).end('deletion scheduled');
    });
    const result = await requestRemoteDeletion({
      endpoint: `http://127.0.0.1:${port}/v1/collect?key=secret`,
      clusterId: CLUSTER,
    });
    expect(seen).toEqual([`DELETE /v1/data/${CLUSTER}`]);
    expect(result).toMatchObject({
      ok: true,
      status: 202,
      result: 'sent:202',
      destination: `http://127.0.0.1:${port}/v1/data/${CLUSTER}`,
    });
    expect(result.answer).toContain('deletion scheduled');
  });

  it('reports a refusal with its status', async () => {
    const port = await listen((_req, res) => res.writeHead(404).end('unknown cluster'));
    const result = await requestRemoteDeletion({ endpoint: `http://127.0.0.1:${port}/`, clusterId: CLUSTER });
    expect(result).toMatchObject({ ok: false, status: 404, result: 'sent:404' });
  });

  it('reports a refused connection and a timeout as failures with a code, without throwing', async () => {
    const closedPort = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const refused = await requestRemoteDeletion({ endpoint: `http://127.0.0.1:${closedPort}/`, clusterId: CLUSTER });
    expect(refused).toMatchObject({ ok: false, status: undefined, result: 'failed:ECONNREFUSED' });

    const silentPort = await listen(() => undefined);
    const timedOut = await requestRemoteDeletion({
      endpoint: `http://127.0.0.1:${silentPort}/`,
      clusterId: CLUSTER,
      timeoutMillis: 200,
    });
    expect(timedOut).toMatchObject({ ok: false, result: 'failed:timeout' });
  });
});
