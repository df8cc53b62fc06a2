import { describe, expect, it } from 'vitest';
import { getMetricsServiceRequestType } from '../../otlp/proto.js';
import { everyKindRequest, toProtobuf } from './otlp-fixtures.test.helper.js';
import { scanProtobuf } from './scan-protobuf.js';

const type = getMetricsServiceRequestType();
const scan = (body: Uint8Array, limits = { maxDepth: 32, maxItems: 1_000_000 }) => scanProtobuf(body, type, limits);

function lengthHeader(tag: number, length: number): number[] {
  const bytes = [tag];
  let rest = length;
  while (rest > 127) {
    bytes.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/** A length-delimited field: tag byte, varint length, body. */
function field(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(lengthHeader(tag, body.length)), body]);
}

/** Request.resource_metrics -> ResourceMetrics.resource -> Resource.attributes -> KeyValue.value -> AnyValue. */
function resourceAttributeValue(anyValue: Uint8Array): Buffer {
  return field(0x0a, field(0x0a, field(0x0a, field(0x12, anyValue))));
}

/** AnyValue.array_value -> ArrayValue.values -> AnyValue ..., `levels` times; built in one pass. */
function nestedArrays(levels: number): Buffer {
  const headers: number[][] = [];
  let size = 0;
  for (let i = 0; i < levels; i++) {
    for (const tag of [0x0a, 0x2a]) {
      const header = lengthHeader(tag, size);
      headers.push(header);
      size += header.length;
    }
  }
  return Buffer.from(headers.reverse().flat());
}

/** One gauge point with `count` empty attributes (tag 0x3a, length 0), encoded by hand: fast to build. */
function emptyAttributes(count: number): Buffer {
  const point = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) point[i * 2] = 0x3a;
  return field(0x0a, field(0x12, field(0x12, field(0x2a, field(0x0a, point)))));
}

describe('scanProtobuf', () => {
  it('accepts real requests, and counts what protobufjs would allocate', () => {
    expect(scan(toProtobuf(everyKindRequest()))).toBeUndefined();
    expect(scan(new Uint8Array(0))).toBeUndefined();
    // 16 messages and 9 packed numbers in everyKindRequest's histograms: 25 items and a few more.
    expect(scan(toProtobuf(everyKindRequest()), { maxDepth: 32, maxItems: 20 })).toMatch(/more than 20 messages/);
  });

  it('refuses truncated bodies and impossible lengths, giving a byte offset only', () => {
    const body = toProtobuf(everyKindRequest());
    for (const cut of [1, 10, body.length - 1]) {
      expect(scan(body.subarray(0, cut))).toMatch(/^the protobuf body is malformed or cut off \(at byte \d+\)$/);
    }
    expect(scan(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toMatch(/malformed/);
  });

  it('refuses a known field sent with the wrong wire type, so protobufjs cannot read another structure', () => {
    // resource_metrics (field 1) as a varint instead of a message.
    expect(scan(Buffer.from([0x08, 0x05]))).toMatch(/malformed/);
    // field number 0, and the group wire types.
    expect(scan(Buffer.from([0x00, 0x00]))).toMatch(/malformed/);
    expect(scan(Buffer.from([0x0b, 0x0c]))).toMatch(/malformed/);
  });

  it('skips unknown fields as protobufjs does', () => {
    expect(scan(Buffer.from([0x78, 0x01, 0x82, 0x01, 0x01, 0x00]))).toBeUndefined();
  });

  it('stops deep nesting before protobufjs would recurse into it', () => {
    expect(scan(resourceAttributeValue(nestedArrays(10)))).toBeUndefined();
    expect(scan(resourceAttributeValue(nestedArrays(100_000)))).toBe('the protobuf nests deeper than 32 messages');
  });

  it('counts messages and each packed number against the item limit', () => {
    const histogram = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ timeUnixNano: '1', count: '0', bucketCounts: Array(50).fill('0') }],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(scan(toProtobuf(histogram), { maxDepth: 32, maxItems: 50 })).toMatch(/more than 50/);
    expect(scan(toProtobuf(histogram), { maxDepth: 32, maxItems: 60 })).toBeUndefined();
    const sevenBytesOfFixed64 = field(0x32, Buffer.alloc(7)); // HistogramDataPoint.bucket_counts, packed
    expect(scan(field(0x0a, field(0x12, field(0x12, field(0x4a, field(0x0a, sevenBytesOfFixed64))))))).toMatch(
      /malformed/,
    );
    expect(scan(emptyAttributes(999_990))).toBeUndefined();
    expect(scan(emptyAttributes(8_000_000))).toBe('the request holds more than 1000000 messages and values');
  });
});
