import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createFileExporter, createMemoryLogger, type FileExporter } from '@prism-telemetry/agent';
import { CollectingReader, createPrivacy } from '@prism-telemetry/privacy';
// The receiver is not part of the agent's public API: the benchmark takes it from the source, as scripts/ does.
import { otlpReceiverSchema } from '../../packages/agent/src/config/otlp-schema.js';
import { buildOtlpReceiver } from '../../packages/agent/src/receivers/otlp/build-otlp-receiver.js';
import type { ConsumeMetrics, OtlpReceiver } from '../../packages/agent/src/receivers/otlp/otlp-receiver.js';
import { runAlternating } from '../harness/alternate.js';
import { formatRate } from '../harness/format.js';
import { ratioGoal } from '../harness/goal.js';
import { max, min } from '../harness/stats.js';
import type { BenchContext, BenchResult, Benchmark } from '../harness/types.js';

const GOAL_VS_PARSE = 0.5;
const GOAL_VS_NO_PRIVACY = 0.7;
const LEVEL = 'standard';
/** Requests the client keeps in flight (the receiver allows 16 by default). */
const IN_FLIGHT = 4;

// 500 histogram points (25 routes x 4 methods x 5 statuses) and 500 critical-error counts (50 types x 10 codes).
// At `standard` the policy drops `http.route` and buckets the status code, so the histogram points merge into
// 4 methods x 4 status classes = 16; the error counts keep both attributes and pass one for one.
const ROUTES = Array.from({ length: 25 }, (_, i) => `/api/v1/resource-${i}/{id}`);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const STATUS_CODES = [200, 201, 304, 404, 500];
const ERROR_TYPES = Array.from({ length: 50 }, (_, i) => `CheckoutError${i}`);
const ERROR_CODES = ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND', 'EPIPE'].flatMap((c) => [c, `${c}_2`]);
const DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

interface Payload {
  body: Buffer;
  points: number;
  /** Points per category file for one request, after the privacy policy and without it. */
  expected: { privacy: CategoryPoints; plain: CategoryPoints };
}

type CategoryPoints = Record<'health' | 'errors', number>;

function countPoints(rm: ResourceMetrics, names: (name: string) => boolean): number {
  let points = 0;
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) if (names(m.descriptor.name)) points += m.dataPoints.length;
  }
  return points;
}

/**
 * One OTLP/JSON ExportMetricsServiceRequest of 1000 points, as an app's OpenTelemetry SDK would send it: recorded
 * on a real MeterProvider, collected once and serialized with the SDK's `JsonMetricsSerializer`.
 */
async function buildPayload(secret: Uint8Array): Promise<Payload> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '2.4.1',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': '2.1.0',
      // Not in the policy's resource attributes: removed by the processor.
      'host.name': 'alice-laptop',
      'process.pid': 4242,
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('checkout-http', '2.4.1');
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BOUNDS },
  });
  const errors = meter.createCounter('prism.errors.critical', { unit: '{error}' });
  let n = 0;
  for (const route of ROUTES) {
    for (const method of METHODS) {
      for (const status of STATUS_CODES) {
        const attributes = { 'http.request.method': method, 'http.response.status_code': status, 'http.route': route };
        for (const seconds of [0.004, 0.03 + (n % 7) / 100, 0.6 + (n % 13) / 10]) duration.record(seconds, attributes);
        n++;
      }
    }
  }
  for (const type of ERROR_TYPES) {
    for (const code of ERROR_CODES) errors.add(1 + (type.length % 3), { 'error.type': type, 'error.code': code });
  }
  const metrics = await reader.collectOnce();
  await provider.shutdown();
  const serialized = JsonMetricsSerializer.serializeRequest(metrics);
  if (!serialized) throw new Error('otlp-receiver: the serializer returned nothing');

  // What the policy makes of it (a separate instance, so the benchmark's drop counts stay clean).
  const { output } = createPrivacy({ level: LEVEL, secret }).processor.processCounting(metrics);
  const isErrors = (name: string): boolean => name === 'prism.errors.critical';
  const isHealth = (name: string): boolean => !isErrors(name);
  return {
    body: Buffer.from(serialized),
    points: countPoints(metrics, () => true),
    expected: {
      privacy: { health: countPoints(output, isHealth), errors: countPoints(output, isErrors) },
      plain: { health: countPoints(metrics, isHealth), errors: countPoints(metrics, isErrors) },
    },
  };
}

// The client runs in a worker thread, so its own work (writing the bodies, reading the answers) does not share
// the event loop with the server it measures. Plain JavaScript, no TypeScript loader needed.
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const body = Buffer.from(workerData.body);
const agents = new Map();
function post(port, agent) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, body: String(error.code || error.message) }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, body: String(error.code || error.message) }));
    req.end(body);
  });
}
parentPort.on('message', async (m) => {
  if (m.type === 'close') {
    for (const agent of agents.values()) agent.destroy();
    parentPort.close();
    return;
  }
  let agent = agents.get(m.port);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: m.inFlight });
    agents.set(m.port, agent);
  }
  const statuses = {};
  let sample = '';
  let next = 0;
  const start = process.hrtime.bigint();
  const lane = async () => {
    while (next < m.requests) {
      next++;
      const reply = await post(m.port, agent);
      statuses[reply.status] = (statuses[reply.status] || 0) + 1;
      if (reply.status !== 200 || sample === '') sample = reply.body.slice(0, 300);
    }
  };
  await Promise.all(Array.from({ length: Math.min(m.inFlight, m.requests) }, lane));
  const elapsedMillis = Number(process.hrtime.bigint() - start) / 1e6;
  parentPort.postMessage({ elapsedMillis, statuses, sample });
});
`;

interface Sent {
  elapsedMillis: number;
  statuses: Record<string, number>;
  /** The first answer's body, or the last non-200 one. */
  sample: string;
}

/** A loopback HTTP client in a worker thread: keep-alive, `IN_FLIGHT` requests at once, one batch at a time. */
class LoopbackClient {
  readonly #worker: Worker;
  #pending: { resolve: (sent: Sent) => void; reject: (error: Error) => void } | undefined;

  constructor(body: Buffer) {
    this.#worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { body } });
    this.#worker.on('message', (sent: Sent) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(sent);
    });
    this.#worker.on('error', (error) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error);
    });
  }

  /** Sends `requests` copies of the body to 127.0.0.1:`port` and checks every answer is a 200 `{}`. */
  async send(label: string, port: number, requests: number): Promise<Sent> {
    if (this.#pending) throw new Error('otlp-receiver: the client is busy');
    const sent = await new Promise<Sent>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage({ port, requests, inFlight: IN_FLIGHT });
    });
    if (sent.statuses['200'] !== requests || sent.sample !== '{}') {
      throw new Error(
        `otlp-receiver: ${label}: expected ${requests} answers 200 {}, got ${JSON.stringify(sent.statuses)}, ` +
          `e.g. ${JSON.stringify(sent.sample)}`,
      );
    }
    return sent;
  }

  async close(): Promise<void> {
    const exited = once(this.#worker, 'exit');
    this.#worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.#worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}

interface OtlpJsonRequest {
  resourceMetrics: Array<{
    resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
    scopeMetrics: Array<{
      metrics: Array<Record<string, { dataPoints?: Array<{ attributes?: Array<{ key: string }> }> } | undefined>>;
    }>;
  }>;
}

const POINT_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram'];

function dataPointsOf(request: OtlpJsonRequest): Array<{ attributes?: Array<{ key: string }> }> {
  return request.resourceMetrics.flatMap((rm) =>
    rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => POINT_KINDS.flatMap((k) => m[k]?.dataPoints ?? []))),
  );
}

interface ReadBack {
  lines: Record<string, number>;
  points: Record<string, number>;
  bytes: number;
  /** Attribute keys of the data points in the last health line, and its resource's attribute keys. */
  healthKeys: Set<string>;
  resourceKeys: Set<string>;
}

/** Reads every line the FileExporter wrote, per category: lines, data points, and the keys of the last line. */
async function readBack(dataDir: string): Promise<ReadBack> {
  const result: ReadBack = { lines: {}, points: {}, bytes: 0, healthKeys: new Set(), resourceKeys: new Set() };
  for (const category of await readdir(path.join(dataDir, 'metrics'))) {
    for (const file of await readdir(path.join(dataDir, 'metrics', category))) {
      const text = await readFile(path.join(dataDir, 'metrics', category, file), 'utf8');
      result.bytes += Buffer.byteLength(text);
      const lines = text.trimEnd().split('\n');
      result.lines[category] = (result.lines[category] ?? 0) + lines.length;
      let last: OtlpJsonRequest | undefined;
      for (const line of lines) {
        last = JSON.parse(line) as OtlpJsonRequest;
        result.points[category] = (result.points[category] ?? 0) + dataPointsOf(last).length;
      }
      if (category !== 'health' || !last) continue;
      for (const point of dataPointsOf(last)) for (const a of point.attributes ?? []) result.healthKeys.add(a.key);
      for (const a of last.resourceMetrics[0]?.resource?.attributes ?? []) result.resourceKeys.add(a.key);
    }
  }
  return result;
}

function exportTo(exporter: FileExporter | undefined, metrics: ResourceMetrics): Promise<void> {
  if (!exporter) return Promise.reject(new Error('otlp-receiver: no exporter for this round'));
  return new Promise((resolve, reject) =>
    exporter.export(metrics, (result: ExportResult) =>
      result.code === ExportResultCode.SUCCESS
        ? resolve()
        : reject(result.error ?? new Error('otlp-receiver: the FileExporter failed')),
    ),
  );
}

/**
 * The agent's OTLP receiver (its default limits, a free loopback port) feeding `consume`. All but the points/s
 * limit (default 100k): the benchmark measures how fast the receiver goes, which on a fast machine is more.
 */
async function startReceiver(consume: ConsumeMetrics): Promise<{ receiver: OtlpReceiver; logLines: string[] }> {
  const logger = createMemoryLogger();
  const settings = { endpoint: '127.0.0.1:4318', max_points_per_second: 100_000_000 };
  const config = { ...otlpReceiverSchema.parse(settings), port: 0 };
  const receiver = buildOtlpReceiver('otlp', config, { consume, logger });
  await receiver.start();
  return { receiver, logLines: logger.lines };
}

/** The baseline: a bare node:http server that reads each body and JSON.parses it, then answers `{}`. */
async function startParseServer(): Promise<{
  server: Server;
  port: number;
  parsed: () => number;
  last: () => unknown;
}> {
  let parsed = 0;
  let last: unknown;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let status = 200;
      try {
        last = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        parsed++;
      } catch {
        status = 400;
      }
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': 2 });
      res.end('{}');
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, parsed: () => parsed, last: () => last };
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function run(context: BenchContext): Promise<BenchResult> {
  const requestsPerRound = context.quick ? 10 : 30;
  const rounds = context.quick ? 5 : 12;
  const warmupRounds = context.quick ? 1 : 2;
  const secret = randomBytes(32);
  const payload = await buildPayload(secret);
  const pointsPerRound = payload.points * requestsPerRound;

  const privacy = createPrivacy({ level: LEVEL, secret });
  const target: { exporter?: FileExporter } = {};
  let processorNanos = 0n;
  let processorRequests = 0;
  const withPrivacy: ConsumeMetrics = async (metrics) => {
    // As the agent's PipelineExporter does: the processor, then the pipeline's exporters with what it kept.
    const start = process.hrtime.bigint();
    const { output, rejectedDataPoints } = privacy.processor.processCounting(metrics);
    processorNanos += process.hrtime.bigint() - start;
    processorRequests++;
    if (output.scopeMetrics.length > 0) await exportTo(target.exporter, output);
    return { rejectedDataPoints };
  };
  const withoutPrivacy: ConsumeMetrics = async (metrics) => {
    await exportTo(target.exporter, metrics);
    return { rejectedDataPoints: 0 };
  };

  const root = await mkdtemp(path.join(os.tmpdir(), 'prism-bench-otlp-'));
  const client = new LoopbackClient(payload.body);
  const started: Array<() => Promise<void>> = [];
  try {
    const pipeline = await startReceiver(withPrivacy);
    started.push(() => pipeline.receiver.shutdown());
    const plain = await startReceiver(withoutPrivacy);
    started.push(() => plain.receiver.shutdown());
    const parse = await startParseServer();
    started.push(() => closeServer(parse.server));

    const fileBytesPerRequest = { privacy: 0, plain: 0 };
    /**
     * One round into a fresh directory with a fresh FileExporter, as a fresh agent would write: `IN_FLIGHT`
     * untimed requests first (they open the connections, the directories and the day files), then the timed
     * ones. Every line is read back and checked, then the directory is removed.
     */
    const receiverRound = async (
      label: string,
      receiver: OtlpReceiver,
      expected: CategoryPoints,
      variant: 'privacy' | 'plain',
    ): Promise<number> => {
      const dataDir = await mkdtemp(path.join(root, 'round-'));
      const exporter = createFileExporter({ dataDir, logger: createMemoryLogger() });
      target.exporter = exporter;
      try {
        const { port } = receiver.address();
        await client.send(label, port, IN_FLIGHT);
        const sent = await client.send(label, port, requestsPerRound);
        await exporter.shutdown();
        const requests = IN_FLIGHT + requestsPerRound;
        const written = await readBack(dataDir);
        for (const category of ['health', 'errors'] as const) {
          const lines = written.lines[category] ?? 0;
          const points = written.points[category] ?? 0;
          if (lines !== requests || points !== requests * expected[category]) {
            throw new Error(
              `otlp-receiver: ${label}: expected ${requests} ${category} lines of ${expected[category]} points, ` +
                `read ${lines} lines, ${points} points`,
            );
          }
        }
        // Never a no-op: with the policy the route and the host name are gone, without it they are there.
        const routeKept = written.healthKeys.has('http.route');
        const hostKept = written.resourceKeys.has('host.name');
        if (routeKept !== (variant === 'plain') || hostKept !== (variant === 'plain')) {
          throw new Error(`otlp-receiver: ${label}: http.route kept ${routeKept}, host.name kept ${hostKept}`);
        }
        fileBytesPerRequest[variant] = written.bytes / requests;
        return pointsPerRound / (sent.elapsedMillis / 1000);
      } finally {
        target.exporter = undefined;
        await exporter.shutdown();
        await rm(dataDir, { recursive: true, force: true });
      }
    };

    context.progress(
      `${rounds} rounds per variant of ${requestsPerRound} requests x ${payload.points} points ` +
        `(${(payload.body.length / 1024).toFixed(0)} KiB each), ${IN_FLIGHT} in flight`,
    );
    const [withPolicy, noPolicy, jsonParse] = await runAlternating(
      [
        {
          label: 'receiver -> privacy -> file',
          round: () => receiverRound('with privacy', pipeline.receiver, payload.expected.privacy, 'privacy'),
        },
        {
          label: 'receiver -> file (no privacy)',
          round: () => receiverRound('without privacy', plain.receiver, payload.expected.plain, 'plain'),
        },
        {
          label: 'http + JSON.parse',
          round: async () => {
            const before = parse.parsed();
            await client.send('http + JSON.parse', parse.port, IN_FLIGHT);
            const sent = await client.send('http + JSON.parse', parse.port, requestsPerRound);
            const parsed = parse.parsed() - before;
            const points = dataPointsOf(parse.last() as OtlpJsonRequest).length;
            if (parsed !== IN_FLIGHT + requestsPerRound || points !== payload.points) {
              throw new Error(
                `otlp-receiver: http + JSON.parse: ${parsed} bodies parsed, ${points} points in the last`,
              );
            }
            return pointsPerRound / (sent.elapsedMillis / 1000);
          },
        },
      ],
      { rounds, warmupRounds, progress: context.progress },
    );
    const logged = [...pipeline.logLines, ...plain.logLines].filter((line) => !line.includes('receiver listening'));
    if (logged.length > 0) throw new Error(`otlp-receiver: the receivers logged: ${logged.slice(0, 3).join(' | ')}`);

    const vsParse = withPolicy!.median / jsonParse!.median;
    const vsPlain = withPolicy!.median / noPolicy!.median;
    const processorMillis = Number(processorNanos) / 1e6 / Math.max(1, processorRequests);
    const outPoints = payload.expected.privacy.health + payload.expected.privacy.errors;
    return {
      name: 'otlp-receiver',
      title: 'OTLP/HTTP receiver -> privacy processor -> FileExporter vs plain HTTP + JSON.parse, and vs no privacy',
      method:
        `OTLP/JSON requests of ${payload.points} points (${(payload.body.length / 1024).toFixed(0)} KiB) from a ` +
        `keep-alive client in a worker thread, ${IN_FLIGHT} in flight, ${requestsPerRound} timed requests per ` +
        `round into a fresh directory, ${rounds} alternating rounds, medians; points/s counts received points`,
      table: {
        columns: ['variant', 'median points/s', 'min', 'max', 'requests/s', 'rounds'],
        rows: [jsonParse!, noPolicy!, withPolicy!].map((v) => [
          v.label,
          formatRate(v.median),
          formatRate(min(v.rates)),
          formatRate(max(v.rates)),
          (v.median / payload.points).toFixed(0),
          v.rates.length,
        ]),
      },
      goals: [
        ratioGoal('privacy pipeline / http + JSON.parse', vsParse, '>=', GOAL_VS_PARSE),
        ratioGoal('privacy pipeline / no privacy', vsPlain, '>=', GOAL_VS_NO_PRIVACY),
      ],
      ratios: [{ label: 'no privacy / http + JSON.parse', value: noPolicy!.median / jsonParse!.median }],
      measurements: {
        pointsPerRequest: payload.points,
        requestBytes: payload.body.length,
        requestsPerRound,
        inFlight: IN_FLIGHT,
        privacyMedianPointsPerSecond: withPolicy!.median,
        noPrivacyMedianPointsPerSecond: noPolicy!.median,
        jsonParseMedianPointsPerSecond: jsonParse!.median,
        privacyPointsPerSecond: withPolicy!.rates,
        noPrivacyPointsPerSecond: noPolicy!.rates,
        jsonParsePointsPerSecond: jsonParse!.rates,
        privacyFileBytesPerRequest: fileBytesPerRequest.privacy,
        noPrivacyFileBytesPerRequest: fileBytesPerRequest.plain,
        processorMillisPerRequest: processorMillis,
      },
      notes: [
        `checked every round: all answers 200 {}, every line read back (with privacy ` +
          `${payload.expected.privacy.health} health + ${payload.expected.privacy.errors} errors points per ` +
          `request, without ${payload.expected.plain.health} + ${payload.expected.plain.errors}), http.route and ` +
          `host.name gone only with privacy, nothing logged by the receivers`,
        `at ${LEVEL} the policy merges the histogram (route dropped, status bucketed): ${payload.points} points in, ` +
          `${outPoints} out; ${(fileBytesPerRequest.privacy / 1024).toFixed(0)} KiB written per request with ` +
          `privacy, ${(fileBytesPerRequest.plain / 1024).toFixed(0)} KiB without`,
        `the privacy processor took ${processorMillis.toFixed(2)} ms per request ` +
          `(${formatRate(payload.points / (processorMillis / 1000))} points/s on its own)`,
      ],
    };
  } finally {
    for (const stop of started.reverse()) await stop();
    await client.close();
    await rm(root, { recursive: true, force: true });
  }
}

export const otlpReceiver: Benchmark = {
  name: 'otlp-receiver',
  summary: 'points/s through OTLP receiver -> privacy -> file vs HTTP + JSON.parse (>= 0.5x), vs no privacy (>= 0.7x)',
  run,
};
