import { describe, expect, it } from 'vitest';
import { checkOtlpJsonRequest } from '../../../otlp/proto.js';
import { decodeRequest } from '../../../receivers/otlp/decode-request.js';
import { toResourceMetrics } from '../../../receivers/otlp/to-resource-metrics.js';
import { protobufToOtlpJson } from './otlp-json.js';
import { canonical, encodeRequest, otlpJsonToProtobuf, sampleRequest } from './sender-server.test.helper.js';

describe('protobufToOtlpJson', () => {
  const protobuf = encodeRequest(sampleRequest());
  const json = protobufToOtlpJson(protobuf);
  const parsed = JSON.parse(json.toString('utf8')) as Record<string, unknown>;

  it('uses only keys of the OTLP schema', () => {
    expect(checkOtlpJsonRequest(parsed)).toEqual([]);
  });

  it('decodes back to exactly the request it was made from', () => {
    expect(canonical(otlpJsonToProtobuf(json))).toEqual(canonical(protobuf));
  });

  it('writes 64-bit integers as strings, enums as numbers, exemplar ids as hex, NaN as a string', () => {
    const text = json.toString('utf8');
    expect(text).toContain('"asInt":"9007199254740993"');
    expect(text).toContain('"timeUnixNano":"1700000010987654321"');
    expect(text).toContain('"aggregationTemporality":2');
    expect(text).toContain('"traceId":"5b8efff798038103d269b633813fc60c"');
    expect(text).toContain('"spanId":"eee19b7ec3c1b174"');
    expect(text).toContain('"asDouble":"NaN"');
    expect(text).toContain('"bytesValue":"AAEC/w=="');
    // A histogram's optional min of 0 was set, so it is sent; an unset default is not.
    expect(text).toContain('"min":0');
    expect(text).not.toContain('"dropped');
  });

  it('converts through our own OTLP receiver to the same data as the protobuf', () => {
    const fromJson = decodeRequest(json, 'json');
    const fromProtobuf = decodeRequest(protobuf, 'protobuf');
    if (!fromJson.ok || !fromProtobuf.ok) throw new Error('decoding failed');
    const a = toResourceMetrics(fromJson.request);
    const b = toResourceMetrics(fromProtobuf.request);
    expect(a.stats).toEqual(b.stats);
    expect(a.stats.dataPoints).toBe(4);
    expect(a.resourceMetrics.map((r) => r.scopeMetrics)).toEqual(b.resourceMetrics.map((r) => r.scopeMetrics));
    expect(a.resourceMetrics.map((r) => r.resource.attributes)).toEqual(
      b.resourceMetrics.map((r) => r.resource.attributes),
    );
  });

  it('throws on bytes that are not a request', () => {
    expect(() => protobufToOtlpJson(Buffer.from([0x0a, 0xff, 0xff, 0xff]))).toThrow();
  });
});
