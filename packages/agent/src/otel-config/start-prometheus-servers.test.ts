import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../component/logger.js';
import type { PrometheusPullServer } from '../server/prometheus-pull-server.js';
import { startPrometheusServers, type PrometheusServersContext } from './start-prometheus-servers.js';
import type { OtelConfig, OtelPrometheusSettings } from './types.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A port something else holds for the duration of the test. */
async function takenPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const config = (...prometheus: Array<Omit<OtelPrometheusSettings, 'path'>>): OtelConfig => ({
  source: 'otel.yaml',
  readers: [],
  prometheus: prometheus.map((p, i) => ({ path: `meter_provider.readers[${i}]`, ...p })),
});

async function start(otel: OtelConfig, extra: Partial<PrometheusServersContext> = {}) {
  const logger = createMemoryLogger();
  const servers = await startPrometheusServers(otel, {
    scrape: () => Promise.resolve(undefined),
    logger,
    ...extra,
  });
  cleanup.push(async () => {
    for (const server of servers) await server.shutdown();
  });
  return { servers, logger };
}

const ports = (servers: PrometheusPullServer[]): number[] => servers.map((s) => s.boundAddress().port);

describe('startPrometheusServers', () => {
  it('starts one endpoint per pull reader and logs where to scrape', async () => {
    const { servers, logger } = await start(config({ host: '127.0.0.1', port: 0 }, { host: '::1', port: 0 }));
    expect(servers.map((s) => s.boundAddress().address)).toEqual(['127.0.0.1', '::1']);
    expect(logger.lines.join('')).toContain(
      `prometheus: serving /metrics url=http://127.0.0.1:${ports(servers)[0]}/metrics reader=meter_provider.readers[0]`,
    );
    expect((await start(config())).servers).toEqual([]);
  });

  it("refuses the dashboard's port and a receiver's, naming the key, before anything listens", async () => {
    const free = await start(config({ host: '127.0.0.1', port: 0 }));
    const port = ports(free.servers)[0]!;
    await free.servers[0]!.shutdown();
    const otel = config({ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port });
    await expect(start(otel, { dashboardPort: port })).rejects.toMatchObject({
      code: 'PT_ERR_OTEL_CONFIG',
      message: `otel.yaml: meter_provider.readers[1].pull.exporter.prometheus/development.port: ${port} is the dashboard's own port, which serves /metrics already`,
      hint: expect.stringContaining(`scrape http://127.0.0.1:${port}/metrics`) as unknown,
    });
    await expect(start(otel, { ownListeners: [`http://127.0.0.1:${port}`] })).rejects.toMatchObject({
      code: 'PT_ERR_OTEL_CONFIG',
      message: expect.stringContaining("is the port of this agent's own OTLP receiver") as unknown,
    });
  });

  it('reports a taken port as PT_ERR_OTEL_CONFIG on its key, and closes the endpoints it had started', async () => {
    const taken = await takenPort();
    const first = await start(config({ host: '127.0.0.1', port: 0 }));
    const freePort = ports(first.servers)[0]!;
    await first.servers[0]!.shutdown();
    const error = await start(config({ host: '127.0.0.1', port: freePort }, { host: '127.0.0.1', port: taken })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'PT_ERR_OTEL_CONFIG',
      message: `otel.yaml: meter_provider.readers[1].pull.exporter.prometheus/development.port: cannot listen on 127.0.0.1:${taken} (EADDRINUSE)`,
    });
    // The first reader's endpoint was up for a moment; it is closed again, so its port can be bound.
    const again = await start(config({ host: '127.0.0.1', port: freePort }));
    expect(ports(again.servers)).toEqual([freePort]);
  });

  it('names host when the address is not one of this machine', async () => {
    await expect(start(config({ host: '192.0.2.1', port: 0 }))).rejects.toMatchObject({
      code: 'PT_ERR_OTEL_CONFIG',
      message: expect.stringMatching(
        /prometheus\/development\.host: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\)$/,
      ) as unknown,
    });
  });
});
