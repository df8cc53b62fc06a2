import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, eventually, probeHarness, type ProbeHarness } from './probe-fixtures.test.helper.js';
import { tcpProbe } from './tcp-probe.js';

describe('tcpProbe', () => {
  let harness: ProbeHarness | undefined;
  let server: net.Server | undefined;
  afterEach(async () => {
    await harness?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    harness = undefined;
    server = undefined;
  });

  function make(port: number): ProbeHarness {
    harness = probeHarness({ probe: tcpProbe({ host: '127.0.0.1', port }), type: 'tcp', service: 'queue' });
    return harness;
  }

  it('is up when the connection is accepted, and hangs up at once', async () => {
    let open = 0;
    server = net.createServer((socket) => {
      open++;
      socket.on('close', () => open--);
      socket.resume();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { receiver, collect } = make((server.address() as net.AddressInfo).port);
    const result = await receiver.probeOnce();
    expect(result).toMatchObject({ up: true });
    expect(result.latencyMillis).toBeGreaterThan(0);
    expect(await eventually(() => open === 0)).toBe(true);
    const { up } = await collect();
    expect(up).toEqual([{ attributes: { 'prism.service': 'queue', 'prism.service.type': 'tcp' }, value: 1 }]);
  });

  it('is down with "connection refused" on a closed port', async () => {
    const { receiver } = make(await closedPort());
    expect(await receiver.probeOnce()).toMatchObject({ up: false, errorCode: 'connection refused' });
  });
});
