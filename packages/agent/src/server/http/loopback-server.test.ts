import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isLoopbackAddress,
  listenHardened,
  type HardenedServer,
  type HardenedServerOptions,
} from './loopback-server.js';

const servers: HardenedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** Answers `ok` to every request and counts the requests it was handed. */
async function listening(options: Partial<HardenedServerOptions> = {}) {
  const handled = { count: 0 };
  const server = await listenHardened({
    host: '127.0.0.1',
    port: 0,
    maxConnections: 8,
    onRequest: (_req, res) => {
      handled.count++;
      res.end('ok');
    },
    ...options,
  });
  servers.push(server);
  return { server, handled };
}

/** A raw client socket, so that the test decides exactly what is sent and when. */
async function opened(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received, closed };
}

const GET = (port: number, extra = ''): string => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** One request on a fresh connection that the server closes after answering: all that came back. */
async function oneRequest(port: number): Promise<string> {
  const client = await opened(port);
  client.socket.write(GET(port, 'Connection: close\r\n'));
  await client.closed;
  return client.received();
}

describe('listenHardened', () => {
  it('binds the given address, says where, and hands requests to onRequest', async () => {
    const { server, handled } = await listening();
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: server.port });
    expect(server.endpoint).toBe(`127.0.0.1:${server.port}`);
    const client = await opened(server.port);
    client.socket.write(GET(server.port));
    await until(() => client.received().endsWith('ok'));
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(handled.count).toBe(1);
    client.socket.destroy();

    const v6 = await listening({ host: '::1' });
    expect(v6.server.address()).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(v6.server.endpoint).toBe(`[::1]:${v6.server.port}`);
  });

  it('closes a connection whose headers arrive too slowly, without handing it on (slow loris)', async () => {
    const { server, handled } = await listening({ headersTimeoutMillis: 300, requestTimeoutMillis: 300 });
    const client = await opened(server.port);
    const openedAt = Date.now();
    client.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    const drip = setInterval(() => client.socket.write('X-Slow: 1\r\n'), 100);
    await client.closed;
    clearInterval(drip);
    // The limit is 300 ms, checked every 300 ms: well under the 30 s Node would otherwise allow.
    expect(Date.now() - openedAt).toBeLessThan(3_000);
    expect(client.received()).toMatch(/^$|^HTTP\/1\.1 408 /);
    expect(handled.count).toBe(0);
  });

  it('refuses headers over 16 KiB with 431', async () => {
    const { server, handled } = await listening();
    const client = await opened(server.port);
    client.socket.write(GET(server.port, `X-Big: ${'a'.repeat(17 * 1024)}\r\n`));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 431 /);
    expect(handled.count).toBe(0);
  });

  it('closes connections beyond maxConnections, and takes new ones once one ends', async () => {
    const { server } = await listening({ maxConnections: 1 });
    const first = await opened(server.port);
    first.socket.write(GET(server.port));
    await until(() => first.received().endsWith('ok'));

    expect(await oneRequest(server.port)).toBe('');

    first.socket.destroy();
    await first.closed;
    // The server learns of the first connection's end a moment after the client does: retry until it answers.
    let answer = await oneRequest(server.port);
    while (answer === '') answer = await oneRequest(server.port);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('close() ends idle keep-alive connections and requests in progress at once, is safe twice, frees the port', async () => {
    const { server } = await listening({
      onRequest: (req, res) => {
        if (req.url !== '/held') res.end('ok');
      },
    });
    const idle = await opened(server.port);
    idle.socket.write(GET(server.port));
    await until(() => idle.received().endsWith('ok'));
    expect(idle.received()).toContain('Connection: keep-alive');
    const held = await opened(server.port);
    held.socket.write(`GET /held HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);

    const startedAt = Date.now();
    await Promise.all([server.close(), server.close()]);
    await Promise.all([idle.closed, held.closed]);
    // Well before the keep-alive (5 s) and request (30 s) timeouts would have ended them.
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(held.received()).toBe('');
    expect(server.address()).toBeUndefined();
    await expect(
      new Promise((resolve, reject) =>
        connect({ host: '127.0.0.1', port: server.port }).on('connect', resolve).on('error', reject),
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects a taken port with the listen error, or with what onListenError makes of it', async () => {
    const { server } = await listening();
    await expect(listening({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const mapped = listening({
      port: server.port,
      onListenError: (error) => new Error(`port taken (${error.code})`, { cause: error }),
    });
    await expect(mapped).rejects.toThrow('port taken (EADDRINUSE)');
    await expect(mapped).rejects.toMatchObject({ cause: { code: 'EADDRINUSE' } });
  });
});

describe('isLoopbackAddress', () => {
  it('accepts ::1 and 127.0.0.0/8 only; names and wildcards are not addresses of loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1']) expect(isLoopbackAddress(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '', 'localhost', '192.168.1.10', '::ffff:127.0.0.1', '127.0.0.1.evil']) {
      expect(isLoopbackAddress(host), host).toBe(false);
    }
  });
});
