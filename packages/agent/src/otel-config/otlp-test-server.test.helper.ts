import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { CollectingReader } from '@prism-telemetry/privacy';
import { getMetricsServiceRequestType } from '../otlp/proto.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The decoded ExportMetricsServiceRequest (protobuf or JSON), as plain data. */
  request: unknown;
}

export interface OtlpTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real OTLP/HTTP endpoint on 127.0.0.1 that decodes what it receives (gzip, protobuf or JSON). */
export async function startOtlpTestServer(): Promise<OtlpTestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = getMetricsServiceRequestType();
      const request =
        req.headers['content-type'] === 'application/x-protobuf'
          ? type.toObject(type.decode(body), { longs: String, enums: Number, defaults: false })
          : (JSON.parse(body.toString('utf8')) as unknown);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, request });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One real collection: a gauge and a counter from a MeterProvider, as a reader hands them to an exporter. */
export async function collectSample(attributes: Record<string, string> = {}): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-agent' }),
    readers: [reader],
  });
  const meter = provider.getMeter('prism-telemetry/receiver/hostmetrics');
  meter.createGauge('system.memory.utilization').record(0.42, { 'system.memory.state': 'used', ...attributes });
  meter.createCounter('system.network.io').add(1234, { 'network.io.direction': 'receive', ...attributes });
  const collected = await reader.collectOnce();
  await provider.shutdown();
  return collected;
}

/** Every metric name in a decoded request, wherever it came from. */
export function metricNames(request: unknown): string[] {
  const text = JSON.stringify(request);
  return [...text.matchAll(/"name":"([a-z][a-z0-9._]*)"/g)].map((m) => m[1]!).filter((n) => n.includes('.'));
}
