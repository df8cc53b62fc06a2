import http from 'node:http';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createMemoryLogger } from '../../component/logger.js';
import { OtlpReceiver, type OtlpReceiverOptions } from './otlp-receiver.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from sending to the complete reply. */
  millis: number;
}

export interface PostOptions {
  port: number;
  path?: string;
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  /** A body to send at once, or a function that writes it (for chunked or endless bodies). */
  body?: Uint8Array | ((req: http.ClientRequest) => void);
  agent?: http.Agent;
}

/**
 * One request over a real socket. Resolves with the reply even when the server closes the connection while the
 * body is still being written (as it does after a 413): a write error after the reply is expected then.
 */
export function post(options: PostOptions): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let replied = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path ?? '/v1/metrics',
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          replied = true;
          const reply = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
          resolve({ ...reply, millis: performance.now() - started });
        });
      },
    );
    req.on('error', (error) => {
      if (!replied) setTimeout(() => reject(error), 200);
    });
    if (typeof options.body === 'function') options.body(req);
    else req.end(options.body);
  });
}

/** Writes `chunkBytes`-sized chunks until `totalBytes` or until the server closes the connection. */
export function streamChunks(totalBytes: number, chunkBytes = 1 << 20): (req: http.ClientRequest) => void {
  return (req) => {
    const chunk = Buffer.alloc(chunkBytes, 0x0a);
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  };
}

export interface TestReceiver {
  receiver: OtlpReceiver;
  port: number;
  consumed: ResourceMetrics[];
  logger: ReturnType<typeof createMemoryLogger>;
}

const running: OtlpReceiver[] = [];

/** An OtlpReceiver on a free loopback port whose `consume` collects what arrives (or runs `consume`). */
export async function startTestReceiver(overrides: Partial<OtlpReceiverOptions> = {}): Promise<TestReceiver> {
  const consumed: ResourceMetrics[] = [];
  const logger = createMemoryLogger();
  const receiver = new OtlpReceiver({
    id: 'otlp',
    host: '127.0.0.1',
    port: 0,
    maxRequestBodyBytes: 20 << 20,
    maxConcurrentRequests: 16,
    headerTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    consume: async (rm) => {
      consumed.push(rm);
      return { rejectedDataPoints: 0 };
    },
    logger,
    ...overrides,
  });
  running.push(receiver);
  await receiver.start();
  return { receiver, port: receiver.address().port, consumed, logger };
}

/** For afterEach: shuts down every receiver started by `startTestReceiver`. */
export async function stopTestReceivers(): Promise<void> {
  await Promise.all(running.splice(0).map((r) => r.shutdown()));
}
