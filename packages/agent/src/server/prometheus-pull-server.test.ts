import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrivacy } from '@prism-telemetry/privacy';
import { createMemoryLogger } from '../component/logger.js';
import { PrometheusPullServer, type PrometheusPullServerOptions } from './prometheus-pull-server.js';
import { CONTENT_SECURITY_POLICY } from './security/headers.js';
import { ScrapeReader } from './scrape-reader.js';

const EMAIL = 'canary.person@example.com';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** What `Agent.scrape` does: a real provider with the privacy Views, collected on demand, then the processor. */
function privacyScrape(): PrometheusPullServerOptions['scrape'] {
  const privacy = createPrivacy({ level: 'standard', secret: randomBytes(32) });
  const reader = new ScrapeReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-agent', 'user.email': EMAIL }),
    views: privacy.views,
    readers: [reader],
  });
  cleanup.push(() => provider.shutdown());
  const meter = provider.getMeter('prism-telemetry/receiver/hostmetrics');
  meter.createGauge('system.memory.utilization').record(0.42, { 'system.memory.state': 'used', owner: EMAIL });
  meter.createCounter('system.network.io').add(1234, { 'network.io.direction': 'receive' });
  meter.createCounter('user.secret.metric').add(1);
  return async () => privacy.processor.process(await reader.scrape());
}

async function started(options: Partial<PrometheusPullServerOptions> = {}) {
  const logger = createMemoryLogger();
  const server = new PrometheusPullServer({
    host: '127.0.0.1',
    port: 0,
    scrape: privacyScrape(),
    logger,
    ...options,
  });
  cleanup.push(() => server.shutdown());
  await server.start();
  return { server, logger, port: server.boundAddress().port };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('PrometheusPullServer', () => {
  it('serves the privacy-filtered metrics as Prometheus text on GET /metrics', async () => {
    const { port, server } = await started();
    expect(server.url).toBe(`http://127.0.0.1:${port}/metrics`);
    const answer = await get(port, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toContain(
      'system_memory_utilization{otel_scope_name="prism-telemetry/receiver/hostmetrics"} 0.42\n',
    );
    expect(answer.body).toContain(
      'system_network_io_total{network_io_direction="receive",otel_scope_name="prism-telemetry/receiver/hostmetrics"} 1234\n',
    );
    expect(answer.body).toMatch(/^target_info\{service_name="prism-telemetry-agent"/m);
    // Attribute, resource attribute and metric the policy does not name: none of them gets out.
    expect(answer.body).not.toContain(EMAIL);
    expect(answer.body).not.toContain('owner');
    expect(answer.body).not.toContain('user_email');
    expect(answer.body).not.toContain('user_secret_metric');
    // A query string is still /metrics (some scrapers add one).
    expect((await get(port, '/metrics?format=text')).status).toBe(200);
  });

  it('answers 403 to a foreign Host, 404 off /metrics, 405 to other methods; security headers, no CORS', async () => {
    const { port } = await started();
    const answers = [
      await get(port, '/metrics', { Host: 'evil.example' }),
      await get(port, '/metrics', { Host: `evil.example:${port}` }),
      await get(port, '/metrics', { Host: `127.0.0.1:${port + 1}` }),
      await get(port, '/'),
      await get(port, '/healthz'),
      await get(port, '/api/overview'),
      await get(port, '/metrics', {}, 'POST'),
      await get(port, '/metrics', { Origin: 'http://evil.example' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 404, 404, 404, 405, 200]);
    expect(answers[6]?.headers['allow']).toBe('GET');
    for (const answer of answers) {
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    for (const refused of answers.slice(0, 7)) expect(refused.body).not.toContain('system_');
    expect(answers[0]?.body).not.toContain('evil');
    // Each loopback spelling with the bound port is this endpoint.
    for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await get(port, '/metrics', { Host: host })).status, host).toBe(200);
    }
  });

  it('binds exactly the given loopback address, without a warning; a wildcard is answered as loopback only', async () => {
    const { server, logger } = await started();
    expect(server.boundAddress()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    const v6 = await started({ host: '::1' });
    expect(v6.server.boundAddress()).toMatchObject({ address: '::1', family: 'IPv6' });
    expect(v6.server.url).toBe(`http://[::1]:${v6.port}/metrics`);
    expect(logger.lines.join('') + v6.logger.lines.join('')).not.toContain('NOT LOOPBACK');

    const wide = await started({ host: '0.0.0.0' });
    expect(wide.server.boundAddress().address).toBe('0.0.0.0');
    expect(wide.logger.lines.join('')).toContain('PROMETHEUS ENDPOINT IS NOT LOOPBACK-ONLY');
    expect(wide.server.url).toBe(`http://127.0.0.1:${wide.port}/metrics`);
  });

  it('serves an empty page while nothing is collected, and 500 without detail when a scrape fails', async () => {
    const empty = await started({ scrape: () => Promise.resolve(undefined) });
    expect(await get(empty.port, '/metrics')).toMatchObject({ status: 200, body: '' });
    const failing = await started({ scrape: () => Promise.reject(new Error(`boom ${EMAIL}`)) });
    const answer = await get(failing.port, '/metrics');
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain(EMAIL);
    expect(failing.logger.lines.join('')).toContain('prometheus: a scrape failed error=Error');
    expect(failing.logger.lines.join('')).not.toContain(EMAIL);
  });

  it('rejects a taken port with the listen error; shutdown closes the port and is safe twice', async () => {
    const { port, server } = await started();
    const second = new PrometheusPullServer({
      host: '127.0.0.1',
      port,
      scrape: () => Promise.resolve(undefined),
      logger: createMemoryLogger(),
    });
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await server.shutdown();
    await server.shutdown();
    await expect(get(port, '/metrics')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
