import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader, createPrivacy, DEFAULT_POLICY, type PrivacyLevel } from '@prism-telemetry/privacy';
import { systemClock, type Clock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { ProbeReceiver, type Probe, type ServiceType } from './probe-receiver.js';

export const REDIS = { host: '127.0.0.1', port: 6379 };
export const POSTGRES = { host: '127.0.0.1', port: 5432 };
export const CANARY = 's3cretCanary';

/**
 * Fails with a clear message when a service this machine kind always runs is not reachable: a missing
 * PostgreSQL or Redis must never turn into a quietly skipped test, in CI or anywhere else.
 */
export async function requireService(name: string, target: { host: string; port: number }): Promise<void> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect(target);
    socket.setTimeout(2_000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
  if (!reachable) {
    const where = `${target.host}:${target.port}`;
    const ci = process.env['CI'] === 'true' ? ' (CI=true: a missing service is a failure)' : '';
    throw new Error(`${name} is not reachable at ${where}${ci}; these tests need the real ${name} running there`);
  }
}

/** A port on 127.0.0.1 that refuses connections: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server on 127.0.0.1 that accepts connections and never answers; it sees when the client hangs up. */
export interface SilentServer {
  port: number;
  accepted: () => number;
  /** Connections the client has not closed yet. */
  open: () => number;
  close: () => Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    // Reads and ignores; the socket closes only when the client hangs up (a client that neither ends nor
    // destroys its socket keeps it open, which is the leak this detects).
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ProbeHarness {
  receiver: ProbeReceiver;
  logger: ReturnType<typeof createMemoryLogger>;
  /** Points of `prism.service.up` and `prism.service.latency` after the privacy Views. */
  collect: () => Promise<{ up: CollectedPoint[]; latency: CollectedPoint[] }>;
  /** Everything the reader holds, as JSON: for "this string appears nowhere" checks. */
  collectedJson: () => Promise<string>;
  close: () => Promise<void>;
}

export interface CollectedPoint {
  attributes: Record<string, unknown>;
  value: number;
}

/** A receiver wired to a real MeterProvider carrying the privacy Views of `level`. */
export function probeHarness(options: {
  probe: Probe;
  type: ServiceType;
  service?: string;
  timeoutMillis?: number;
  intervalMillis?: number;
  level?: PrivacyLevel;
  clock?: Clock;
}): ProbeHarness {
  const reader = new CollectingReader();
  const privacy = createPrivacy({ level: options.level ?? 'standard', secret: randomBytes(32) });
  const provider = new MeterProvider({ readers: [reader], views: privacy.views });
  const logger = createMemoryLogger();
  const receiver = new ProbeReceiver({
    meter: provider.getMeter('prism-telemetry/receiver/test'),
    metrics: DEFAULT_POLICY.metrics,
    service: options.service ?? 'svc',
    type: options.type,
    probe: options.probe,
    intervalMillis: options.intervalMillis ?? 60_000,
    timeoutMillis: options.timeoutMillis ?? 1_000,
    clock: options.clock ?? systemClock,
    logger,
  });
  const points = async (): Promise<Map<string, CollectedPoint[]>> => {
    const collected = await reader.collectOnce();
    const out = new Map<string, CollectedPoint[]>();
    for (const scope of collected.scopeMetrics) {
      for (const metric of scope.metrics) {
        out.set(
          metric.descriptor.name,
          metric.dataPoints.map((p) => ({ attributes: { ...p.attributes }, value: p.value as number })),
        );
      }
    }
    return out;
  };
  return {
    receiver,
    logger,
    collect: async () => {
      const all = await points();
      return { up: all.get('prism.service.up') ?? [], latency: all.get('prism.service.latency') ?? [] };
    },
    collectedJson: async () => JSON.stringify(await reader.collectOnce()),
    close: async () => {
      await receiver.shutdown();
      await provider.shutdown();
    },
  };
}

/** TCP sockets and servers this process holds, for leak checks. */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

/** Polls `check` every 20 ms until it holds or `timeoutMillis` passes. */
export async function eventually(check: () => boolean, timeoutMillis = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Wall-clock milliseconds `run` took. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; millis: number }> {
  const started = performance.now();
  const value = await run();
  return { value, millis: performance.now() - started };
}

/** Timeout plus what scheduling on a busy 2-core machine may add; a probe that ignored its timeout is far above. */
export const SLACK_MILLIS = 400;
