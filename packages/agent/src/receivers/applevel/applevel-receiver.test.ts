import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader, DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { AppLevelReceiver, type AppLevelReceiverOptions } from './applevel-receiver.js';
import { parseJsonPath } from './json-path.js';

const START = Date.UTC(2026, 10, 1, 12);
const INTERVAL = 10_000;

/** A real HTTP server on 127.0.0.1 whose answer the test sets. */
class LevelServer {
  server: Server;
  respond: (res: ServerResponse) => void = (res) => res.end('0');
  requests = 0;
  constructor() {
    this.server = createServer((_req, res) => {
      this.requests++;
      this.respond(res);
    });
  }
  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/consciousness/level`;
  }
  json(body: unknown): void {
    this.respond = (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('AppLevelReceiver', () => {
  let server: LevelServer;
  let url: string;
  let clock: ManualClock;
  let logger: ReturnType<typeof createMemoryLogger>;
  let provider: MeterProvider;
  let reader: CollectingReader;
  let receiver: AppLevelReceiver | undefined;

  beforeEach(async () => {
    server = new LevelServer();
    url = await server.listen();
    clock = new ManualClock(START);
    logger = createMemoryLogger();
    reader = new CollectingReader();
    provider = new MeterProvider({ readers: [reader] });
  });

  afterEach(async () => {
    await receiver?.shutdown();
    receiver = undefined;
    await provider.shutdown();
    if (server.server.listening) await server.close();
  });

  function make(overrides: Partial<AppLevelReceiverOptions> = {}): AppLevelReceiver {
    const path = parseJsonPath('data.levels[0].value');
    receiver = new AppLevelReceiver({
      meter: provider.getMeter('prism-telemetry/receiver/applevel'),
      metrics: DEFAULT_POLICY.metrics,
      id: 'applevel/test',
      endpoint: url,
      jsonPath: path.ok ? path.segments : [],
      intervalMillis: INTERVAL,
      timeoutMillis: 2_000,
      windowMillis: 5 * 60_000,
      deadBandPerHour: 1,
      stalenessMillis: 60_000,
      clock,
      logger,
      ...overrides,
    });
    return receiver;
  }

  async function tick(times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      clock.advance(INTERVAL);
      await receiver!.idle();
    }
  }

  async function values(): Promise<Record<string, number | undefined>> {
    const collected = await reader.collectOnce();
    const out: Record<string, number | undefined> = {};
    for (const scope of collected.scopeMetrics) {
      for (const m of scope.metrics) out[m.descriptor.name] = m.dataPoints[0]?.value as number | undefined;
    }
    return out;
  }

  const level = (value: unknown) => ({ data: { levels: [{ value }] } });

  it('records the number at json_path, and the app as functional', async () => {
    server.json(level(42.5));
    await make().start();
    expect(await values()).toEqual({ 'prism.app.level': 42.5, 'prism.app.functional': 1 });
    expect(server.requests).toBe(1);
  });

  it('a bare number body with an empty json_path', async () => {
    server.respond = (res) => res.end('73\n');
    await make({ jsonPath: [] }).start();
    expect((await values())['prism.app.level']).toBe(73);
  });

  it('rejects non-numeric and out-of-range values, logging why and never the value', async () => {
    server.json(level(50));
    await make().start();
    for (const bad of ['51.37', 101.93, -1, null, { value: 52.71 }]) {
      server.json(level(bad));
      await tick();
    }
    server.json({ data: {} });
    await tick();
    server.respond = (res) => res.end('<html>fifty</html>');
    await tick();
    expect((await values())['prism.app.level']).toBe(50);
    const rejected = logger.lines.filter((l) => l.includes('sample rejected'));
    expect(rejected.map((l) => /reason=(\S+)/.exec(l)?.[1])).toEqual([
      'not_a_number',
      'out_of_range',
      'not_a_number',
      'path_not_found',
      'invalid_json',
    ]);
    for (const secret of ['51.37', '101.93', '52.71', 'fifty']) expect(logger.lines.join('')).not.toContain(secret);
    expect(logger.lines.join('')).not.toContain(url);
  });

  it('server down: functional stays 1 within staleness, then becomes 0; back up: 1 again', async () => {
    server.json(level(60));
    await make().start();
    await server.close();
    await tick(5); // 50 s without a value
    expect((await values())['prism.app.functional']).toBe(1);
    await tick(2); // 70 s
    expect((await values())['prism.app.functional']).toBe(0);
    expect(logger.lines.join('')).toContain('reason=unreachable');

    server = new LevelServer();
    server.json(level(61));
    await receiver!.shutdown();
    const port = new URL(url).port;
    server.server.listen(Number(port), '127.0.0.1');
    await once(server.server, 'listening');
    await make().start();
    expect(await values()).toMatchObject({ 'prism.app.level': 61, 'prism.app.functional': 1 });
  });

  it('an endpoint that does not answer in time counts as a timeout', async () => {
    server.respond = () => undefined; // never answers
    await make({ timeoutMillis: 200 }).start();
    expect(logger.lines.join('')).toContain('reason=timeout');
    expect((await values())['prism.app.functional']).toBe(0);
  });

  it('records the evolution once there are enough samples: growing, then stable, then declining', async () => {
    let value = 10;
    server.respond = (res) => res.end(String(value));
    await make({ jsonPath: [] }).start();
    // 5 min window at 10 s: a quarter of the window (8 samples) before any trend is shown.
    for (let i = 0; i < 6; i++) {
      value += 1;
      await tick();
    }
    expect((await values())['prism.app.level.evolution']).toBeUndefined();
    expect(receiver!.evolution()).toBe('unknown');
    value += 1;
    await tick();
    expect((await values())['prism.app.level.evolution']).toBe(1);
    for (let i = 0; i < 40; i++) await tick(); // flat for > 5 min
    expect(receiver!.evolution()).toBe('stable');
    expect((await values())['prism.app.level.evolution']).toBe(0);
    for (let i = 0; i < 30; i++) {
      value -= 0.5;
      await tick();
    }
    expect((await values())['prism.app.level.evolution']).toBe(-1);
  });

  it('shutdown stops polling', async () => {
    server.json(level(1));
    await make().start();
    await receiver!.shutdown();
    clock.advance(10 * INTERVAL);
    expect(server.requests).toBe(1);
  });
});
