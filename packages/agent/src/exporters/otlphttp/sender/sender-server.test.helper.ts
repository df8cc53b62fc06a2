import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { getMetricsServiceRequestType } from '../../../otlp/proto.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body as it came over the wire. */
  raw: Buffer;
  /** The body with gzip undone when `content-encoding: gzip`. */
  body: Buffer;
}

/** Answers one request; the default answers 200 with an empty protobuf response. */
export type Handler = (req: ReceivedRequest, res: http.ServerResponse) => void;

export interface SenderServer {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  connections: number;
  handle: Handler;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 (https when `tls` is given) that records what arrives and answers with `handle`. */
export async function startSenderServer(tls?: { key: Buffer; cert: Buffer }): Promise<SenderServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const state: { handle: Handler } = { handle: (_req, res) => res.writeHead(200).end() };
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      requests.push(received);
      state.handle(received, res);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/collect`,
    port,
    requests,
    get connections() {
      return connections;
    },
    get handle() {
      return state.handle;
    },
    set handle(handle: Handler) {
      state.handle = handle;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request with known content in every kind of field the sender must carry over unchanged. */
export function sampleRequest(): Record<string, unknown> {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'prism' } }] },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeMetrics: [
          {
            scope: { name: 'prism-telemetry', version: '0.1.0' },
            metrics: [
              {
                name: 'system.cpu.utilization',
                unit: '1',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: '1700000010987654321',
                      asDouble: 0.25,
                      attributes: [
                        { key: 'state', value: { stringValue: 'idle' } },
                        { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
                      ],
                    },
                    { timeUnixNano: '1700000010987654321', asDouble: 'NaN' },
                  ],
                },
              },
              {
                name: 'system.network.io',
                unit: 'By',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: '1700000000123456789',
                      timeUnixNano: '1700000010987654321',
                      asInt: '9007199254740993',
                      exemplars: [
                        {
                          timeUnixNano: '1700000010987654321',
                          asInt: '0',
                          traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'),
                          spanId: Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'),
                        },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'http.server.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      startTimeUnixNano: '1700000000123456789',
                      timeUnixNano: '1700000010987654321',
                      count: '6',
                      sum: 12.5,
                      min: 0,
                      max: 9.75,
                      bucketCounts: ['1', '0', '2', '3'],
                      explicitBounds: [0.005, 0.1, 2.5],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function encodeRequest(request: Record<string, unknown>): Buffer {
  const type = getMetricsServiceRequestType();
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/** A decoded request in a form two decodings can be compared in (64-bit ints as strings, bytes as base64). */
export function canonical(protobufBytes: Uint8Array): Record<string, unknown> {
  const type = getMetricsServiceRequestType();
  return type.toObject(type.decode(protobufBytes), { longs: String, bytes: String, json: true });
}

/**
 * OTLP/JSON back to protobuf the way a server would: exemplar ids are hex in OTLP/JSON, base64 in proto3 JSON,
 * which is what protobufjs's `fromObject` reads.
 */
export function otlpJsonToProtobuf(json: Buffer): Buffer {
  const object = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  const text = JSON.stringify(object, (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  );
  return encodeRequest(JSON.parse(text) as Record<string, unknown>);
}
