import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { getMetricsServiceRequestType } from '../../../otlp/proto.js';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Real OTLP exports from a real MeterProvider: record `id` is one gauge point whose value is `id`. */
export function otlpRecords(): {
  next(id: number): Promise<ResourceMetrics>;
  payload(id: number): Promise<Uint8Array>;
} {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'queue-test' }),
    readers: [reader],
  });
  const gauge = provider.getMeter('queue-test').createGauge('test.record.id');
  const next = async (id: number): Promise<ResourceMetrics> => {
    gauge.record(id);
    return (await reader.collect()).resourceMetrics;
  };
  return {
    next,
    payload: async (id) => ProtobufMetricsSerializer.serializeRequest(await next(id))!,
  };
}

interface DecodedRequest {
  resourceMetrics?: Array<{
    scopeMetrics?: Array<{ metrics?: Array<{ gauge?: { dataPoints?: Array<{ asDouble?: number }> } }> }>;
  }>;
}

/** The record ids in an `ExportMetricsServiceRequest` (a concatenation of several decodes as their union). */
export function idsOf(body: Uint8Array): number[] {
  const type = getMetricsServiceRequestType();
  const request = type.toObject(type.decode(body)) as DecodedRequest;
  return (request.resourceMetrics ?? []).flatMap((r) =>
    (r.scopeMetrics ?? []).flatMap((s) =>
      (s.metrics ?? []).flatMap((m) => (m.gauge?.dataPoints ?? []).map((p) => Number(p.asDouble))),
    ),
  );
}

export interface SinkAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Answer only after this long (the request is recorded when it arrives). */
  delayMillis?: number;
}

export interface CollectSink {
  url: string;
  /** Record ids of every accepted (2xx) request, one array per request. */
  accepted: number[][];
  /** Every request, whatever the answer, with `at` from the `now` given to `startSink`. */
  requests: Array<{ at: number; status: number; ids: number[] }>;
  connections: number;
  answer: (ids: number[]) => SinkAnswer;
  /** Stops listening (connections are refused) until `listen()`. */
  stop(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** A real OTLP/HTTP endpoint on 127.0.0.1 that decodes what it gets; `answer` decides the response. */
export async function startSink(now: () => number = Date.now): Promise<CollectSink> {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();
  const sink: CollectSink = {
    url: '',
    accepted: [],
    requests: [],
    connections: 0,
    answer: () => ({ status: 200 }),
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async listen() {
      if (server) return;
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let ids: number[] | undefined;
          try {
            const raw = Buffer.concat(chunks);
            ids = idsOf(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw);
          } catch {
            ids = undefined;
          }
          const answer = ids ? sink.answer(ids) : { status: 400 };
          ids ??= [];
          sink.requests.push({ at: now(), status: answer.status, ids });
          if (answer.status >= 200 && answer.status < 300) sink.accepted.push(ids);
          const headers: IncomingHttpHeaders = { 'content-type': 'application/x-protobuf', ...answer.headers };
          const respond = (): void => void res.writeHead(answer.status, headers).end(answer.body ?? Buffer.alloc(0));
          if (answer.delayMillis) setTimeout(respond, answer.delayMillis);
          else respond();
        });
      });
      s.on('connection', (socket: Socket) => {
        sink.connections++;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
      port = (s.address() as AddressInfo).port;
      sink.url = `http://127.0.0.1:${port}/v1/collect`;
      server = s;
    },
    close: () => sink.stop(),
  };
  await sink.listen();
  return sink;
}

/** An `ExportMetricsServiceResponse` with `partial_success.rejected_data_points`. */
export function partialSuccess(rejectedDataPoints: number): Uint8Array {
  const type = getMetricsServiceRequestType().root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  );
  return type.encode(type.fromObject({ partialSuccess: { rejectedDataPoints, errorMessage: 'bad points' } })).finish();
}
