import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { getMetricsServiceRequestType } from '../../otlp/proto.js';
import { everyKindRequest, toProtobuf } from './otlp-fixtures.test.helper.js';
import { post, startTestReceiver, stopTestReceivers } from './otlp-http.test.helper.js';

afterEach(stopTestReceivers);

const JSON_TYPE = { 'content-type': 'application/json' };
const PROTOBUF_TYPE = { 'content-type': 'application/x-protobuf' };
const CANARY = 'canary.person@example.com';

const responseType = () =>
  getMetricsServiceRequestType().root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  );

/** google.rpc.Status read field by field, so the test checks the field numbers, not a shared definition. */
function readStatus(body: Buffer): { code?: number; message?: string } {
  const reader = protobuf.Reader.create(body);
  const status: { code?: number; message?: string } = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 1 << 3) status.code = reader.int32();
    else if (tag === ((2 << 3) | 2)) status.message = reader.string();
    else reader.skipType(tag & 7);
  }
  return status;
}

describe('OtlpReceiver: accepted requests', () => {
  it('takes OTLP/JSON and answers 200 with an empty JSON response', async () => {
    const { port, consumed } = await startTestReceiver();
    const reply = await post({ port, headers: JSON_TYPE, body: Buffer.from(JSON.stringify(everyKindRequest())) });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body.toString())).toEqual({});
    expect(consumed).toHaveLength(1);
    expect(consumed[0]!.scopeMetrics[0]!.metrics.map((m) => m.descriptor.name)).toEqual([
      'shop.orders',
      'shop.queue',
      'shop.temperature',
      'shop.latency',
      'shop.size',
    ]);
  });

  it('takes protobuf (gzip or not, Content-Type parameters allowed) and answers in protobuf', async () => {
    const { port, consumed } = await startTestReceiver();
    const { gzipSync } = await import('node:zlib');
    const body = toProtobuf(everyKindRequest());
    const plain = await post({ port, headers: { 'content-type': 'application/x-protobuf; charset=binary' }, body });
    const gzip = await post({ port, headers: { ...PROTOBUF_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    for (const reply of [plain, gzip]) {
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/x-protobuf');
      expect(responseType().toObject(responseType().decode(reply.body))).toEqual({});
    }
    expect(consumed).toHaveLength(2);
    expect(consumed[1]).toEqual(consumed[0]);
  });

  it('reports points rejected by the conversion and by the consumer in partialSuccess', async () => {
    const { port } = await startTestReceiver({ consume: async () => ({ rejectedDataPoints: 2 }) });
    const request = everyKindRequest() as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: unknown[] }> }> };
    request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.push({
      name: 'q',
      summary: { dataPoints: [{ timeUnixNano: '1' }, { timeUnixNano: '2' }] },
    });
    const errorMessage = '4 of 8 data points rejected: 2 summary_unsupported, 2 not allowed by the privacy policy';

    const json = await post({ port, headers: JSON_TYPE, body: Buffer.from(JSON.stringify(request)) });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body.toString())).toEqual({ partialSuccess: { rejectedDataPoints: '4', errorMessage } });

    const proto = await post({ port, headers: PROTOBUF_TYPE, body: toProtobuf(request) });
    expect(responseType().toObject(responseType().decode(proto.body), { longs: Number })).toEqual({
      partialSuccess: { rejectedDataPoints: 4, errorMessage },
    });
  });
});

describe('OtlpReceiver: bad data is 400, with a Status that never echoes the body', () => {
  it('answers malformed protobuf with a protobuf Status', async () => {
    const { port, consumed } = await startTestReceiver();
    const body = toProtobuf(everyKindRequest());
    const reply = await post({ port, headers: PROTOBUF_TYPE, body: body.subarray(0, body.length - 5) });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(readStatus(reply.body)).toEqual({
      code: 3,
      message: expect.stringMatching(/^the protobuf body is malformed or cut off \(at byte \d+\)$/) as unknown,
    });
    expect(consumed).toEqual([]);
  });

  it('answers invalid JSON, deep JSON and JSON of the wrong shape with a JSON Status', async () => {
    const { port, logger } = await startTestReceiver();
    const cases: Array<[string, string]> = [
      [`{"resourceMetrics": [${JSON.stringify(CANARY)}`, 'the body is not valid JSON'],
      ['['.repeat(100_000) + ']'.repeat(100_000), 'the JSON nests deeper than 64 levels'],
      [JSON.stringify({ resourceMetrics: CANARY }), 'resourceMetrics: expected a list'],
    ];
    for (const [body, message] of cases) {
      const reply = await post({ port, headers: JSON_TYPE, body: Buffer.from(body) });
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body.toString())).toEqual({ code: 3, message });
    }
    expect(logger.lines.join('')).not.toContain('canary');
  });

  it('keeps the connection usable after a 400, since the body was read', async () => {
    const { port } = await startTestReceiver();
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await post({ port, agent, headers: JSON_TYPE, body: Buffer.from('nope') });
    const second = await post({ port, agent, headers: JSON_TYPE, body: Buffer.from('{}') });
    expect([first.status, second.status]).toEqual([400, 200]);
    expect(first.headers['connection']).toBe('keep-alive');
    agent.destroy();
  });
});
