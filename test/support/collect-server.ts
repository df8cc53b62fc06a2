import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CollectServer {
  url: string;
  connections: number;
  requests: Array<{ method: string; path: string; bytes: number }>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for the Corrective Drift endpoint; counts every connection. */
export async function startCollectServer(): Promise<CollectServer> {
  const state = { connections: 0, requests: [] as CollectServer['requests'] };
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', bytes });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
