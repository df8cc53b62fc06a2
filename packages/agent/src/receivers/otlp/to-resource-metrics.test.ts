import { ValueType } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { MAX_ATTRIBUTES } from './convert-attributes.js';
import { decodeRequest } from './decode-request.js';
import { START_HRTIME, TIME_HRTIME, everyKindRequest, gaugeRequest, toProtobuf } from './otlp-fixtures.test.helper.js';
import { ShapeError } from './otlp-values.js';
import { toResourceMetrics } from './to-resource-metrics.js';

function decoded(request: Record<string, unknown>, format: 'json' | 'protobuf'): unknown {
  const body = format === 'json' ? Buffer.from(JSON.stringify(request)) : toProtobuf(request);
  const result = decodeRequest(body, format);
  if (!result.ok) throw new Error(result.message);
  return result.request;
}

const convert = (request: Record<string, unknown>, format: 'json' | 'protobuf' = 'json') =>
  toResourceMetrics(decoded(request, format));

function metricsOf(request: Record<string, unknown>, format: 'json' | 'protobuf'): Record<string, MetricData> {
  const { resourceMetrics } = convert(request, format);
  return Object.fromEntries(resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => [m.descriptor.name, m]));
}

describe.each(['json', 'protobuf'] as const)('toResourceMetrics from %s', (format) => {
  it('converts every metric kind with exact values, buckets and nanosecond timestamps', () => {
    const { resourceMetrics, stats } = convert(everyKindRequest(), format);
    expect(resourceMetrics).toHaveLength(1);
    const [resource] = resourceMetrics;
    expect(resource!.resource.attributes).toEqual({ 'service.name': 'shop', 'host.cpus': 8 });
    expect(resource!.scopeMetrics[0]!.scope).toEqual({ name: 'shop-meter', version: '2.0.0' });
    expect(stats).toEqual({
      dataPoints: 6,
      rejectedDataPoints: 0,
      rejectedByReason: {},
      droppedScopeAttributes: 1,
      droppedAttributes: 0,
    });

    const metrics = metricsOf(everyKindRequest(), format);
    expect(metrics['shop.orders']).toEqual({
      descriptor: { name: 'shop.orders', unit: '{order}', description: 'Orders placed', valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [
        // 2^53 + 1 becomes the nearest double: the SDK's points are numbers.
        { attributes: { tier: 'gold' }, startTime: START_HRTIME, endTime: TIME_HRTIME, value: 9007199254740992 },
        { attributes: { tier: 'free' }, startTime: START_HRTIME, endTime: TIME_HRTIME, value: -42 },
      ],
    });
    expect(metrics['shop.queue']).toMatchObject({
      descriptor: { valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints: [{ value: -1.5 }],
    });
    expect(metrics['shop.temperature']).toEqual({
      descriptor: { name: 'shop.temperature', unit: 'Cel', description: '', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [
        {
          attributes: { ok: true, ratio: 0.25, zones: ['a', 'b'] },
          startTime: [0, 0],
          endTime: TIME_HRTIME,
          value: 0.1,
        },
      ],
    });
    expect(metrics['shop.latency']).toMatchObject({
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [
        {
          startTime: START_HRTIME,
          endTime: TIME_HRTIME,
          value: {
            buckets: { boundaries: [0.005, 0.1, 2.5], counts: [1, 0, 2, 3] },
            count: 6,
            sum: 12.5,
            min: 0.001,
            max: 9.75,
          },
        },
      ],
    });
    expect(metrics['shop.size']).toMatchObject({
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
      dataPoints: [
        {
          value: {
            count: 10,
            sum: 1234.5,
            scale: 3,
            zeroCount: 1,
            positive: { offset: -2, bucketCounts: [4, 0, 3] },
            negative: { offset: 5, bucketCounts: [2] },
            min: -3,
            max: 700,
          },
        },
      ],
    });
  });

  it('leaves absent histogram statistics absent and reads a histogram without buckets as one bucket', () => {
    const point = { timeUnixNano: '5', count: '7' };
    const metrics = metricsOf(
      {
        resourceMetrics: [
          {
            scopeMetrics: [{ metrics: [{ name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [point] } }] }],
          },
        ],
      },
      format,
    );
    expect(metrics['h']!.dataPoints[0]!.value).toEqual({ buckets: { boundaries: [], counts: [7] }, count: 7 });
  });

  it('drops and counts what SDK attributes cannot carry, and keys such as __proto__ stay data', () => {
    const { resourceMetrics, stats } = convert(
      gaugeRequest([
        { key: 'kept', value: { stringValue: 'x' } },
        { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
        { key: 'blob', value: { bytesValue: 'AAEC' } },
        { key: 'empty', value: {} },
        { key: 'nested', value: { arrayValue: { values: [{ arrayValue: { values: [] } }] } } },
        { key: 'mixed', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
        { key: 'none' },
        { key: '__proto__', value: { stringValue: 'polluted' } },
      ]),
      format,
    );
    const attributes = resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.attributes;
    expect(Object.keys(attributes)).toEqual(['kept', '__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(stats.droppedAttributes).toBe(6);
    expect(stats.rejectedDataPoints).toBe(0);
  });

  it.each([
    ['no_recorded_value', { flags: 1 }],
    ['timestamp_missing', { timeUnixNano: '0' }],
    ['value_missing', { asInt: undefined }],
  ])('rejects and counts a point with %s', (reason, point) => {
    const request = gaugeRequest([], point);
    const { resourceMetrics, stats } = convert(JSON.parse(JSON.stringify(request)) as typeof request, format);
    expect(resourceMetrics).toEqual([]);
    expect(stats).toMatchObject({ dataPoints: 1, rejectedDataPoints: 1, rejectedByReason: { [reason]: 1 } });
  });

  it('rejects points with more than MAX_ATTRIBUTES attributes, and every point of such a resource', () => {
    const many = Array.from({ length: MAX_ATTRIBUTES + 1 }, (_, i) => ({ key: `k${i}`, value: { boolValue: true } }));
    expect(convert(gaugeRequest(many), format).stats.rejectedByReason).toEqual({ attributes_over_limit: 1 });
    const request = everyKindRequest() as { resourceMetrics: Array<{ resource: { attributes: unknown[] } }> };
    request.resourceMetrics[0]!.resource.attributes = many;
    const { resourceMetrics, stats } = convert(request, format);
    expect(resourceMetrics).toEqual([]);
    expect(stats).toMatchObject({ dataPoints: 6, rejectedDataPoints: 6 });
  });

  it('rejects invalid histograms, summaries, and unspecified temporality, counting each point', () => {
    const hist = (point: Record<string, unknown>, temporality = 2) => ({
      name: 'h',
      histogram: { aggregationTemporality: temporality, dataPoints: [{ timeUnixNano: '9', ...point }] },
    });
    const exp = (point: Record<string, unknown>) => ({
      name: 'e',
      exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: '9', ...point }] },
    });
    const metrics = [
      hist({ count: '3', bucketCounts: ['1', '1'], explicitBounds: [1, 2] }), // one count short of bounds + 1
      hist({ count: '3', bucketCounts: ['1', '1', '0'], explicitBounds: [1, 2] }), // counts sum to 2
      hist({ count: '2', bucketCounts: ['1', '1', '0'], explicitBounds: [2, 1] }), // bounds decreasing
      hist({ count: '1', sum: 'NaN' }),
      hist({ count: '1' }, 0),
      exp({ count: '2', zeroCount: '1', positive: { bucketCounts: ['2'] } }), // 1 + 2 != 2
      exp({ count: '1', zeroCount: '1', scale: 21 }),
      exp({ count: '1', zeroCount: '1', zeroThreshold: 0.001 }),
      { name: 's', summary: { dataPoints: [{ timeUnixNano: '9' }, { timeUnixNano: '9' }] } },
      { name: 'c', sum: { dataPoints: [{ timeUnixNano: '9', asInt: '1' }] } },
      { name: '', gauge: { dataPoints: [{ timeUnixNano: '9', asInt: '1' }] } },
      { name: 'inf', gauge: { dataPoints: [{ timeUnixNano: '9', asDouble: 'Infinity' }] } },
      { name: 'no-data' },
    ];
    const request = { resourceMetrics: [{ scopeMetrics: [{ metrics }] }] };
    const { resourceMetrics, stats } = convert(request, format);
    expect(resourceMetrics).toEqual([]);
    expect(stats.rejectedByReason).toEqual({
      histogram_invalid: 4,
      temporality_unspecified: 2,
      exponential_histogram_invalid: 2,
      zero_threshold_unsupported: 1,
      summary_unsupported: 2,
      name_missing: 1,
      value_not_finite: 1,
    });
    expect(stats).toMatchObject({ dataPoints: 13, rejectedDataPoints: 13 });
  });
});

describe('toResourceMetrics on what is not a metrics request', () => {
  const shapeError = (request: unknown): string => {
    try {
      toResourceMetrics(request);
    } catch (error) {
      if (error instanceof ShapeError) return error.message;
      throw error;
    }
    return 'no error';
  };

  it('says where the shape is wrong, never what the value was', () => {
    expect(shapeError([1])).toBe('expected an object');
    expect(shapeError({ resourceMetrics: 'secret@example.com' })).toBe('resourceMetrics: expected a list');
    expect(
      shapeError({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: ['x'] } }] }] }] }),
    ).toBe('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]: expected an object');
    const attributes = [{ key: 'k', value: { stringValue: 42 } }];
    expect(shapeError(gaugeRequest(attributes))).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].attributes[0].value.stringValue: expected a string',
    );
    expect(shapeError(gaugeRequest([], { timeUnixNano: 'secret' }))).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano: expected an integer',
    );
    expect(shapeError({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: {}, sum: {} }] }] }] })).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0]: has more than one of gauge, sum, histogram, exponentialHistogram, summary',
    );
  });

  it('accepts an empty request', () => {
    expect(toResourceMetrics({})).toEqual({
      resourceMetrics: [],
      stats: expect.objectContaining({ dataPoints: 0, rejectedDataPoints: 0 }) as unknown,
    });
  });
});

describe('toResourceMetrics from JSON, attribute values', () => {
  it('takes the one member that is set, ignoring null and unknown keys; two members set drop the value', () => {
    const { resourceMetrics, stats } = convert(
      gaugeRequest([
        { key: 'one', value: { stringValue: 'x', intValue: null, comment: 'ignored' } },
        { key: 'int', value: { note: 1, intValue: '7' } },
        { key: 'two', value: { stringValue: 'x', intValue: '1' } },
        { key: 'twoInArray', value: { arrayValue: { values: [{ stringValue: 'a', boolValue: true }] } } },
      ]),
    );
    const attributes = resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.attributes;
    expect(attributes).toEqual({ one: 'x', int: 7 });
    expect(stats.droppedAttributes).toBe(2);
  });

  it('does not take a member from Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['stringValue'] = 'polluted';
    try {
      const { resourceMetrics, stats } = convert(gaugeRequest([{ key: 'k', value: { intValue: '3' } }]));
      expect(resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.attributes).toEqual({ k: 3 });
      expect(stats.droppedAttributes).toBe(0);
    } finally {
      delete proto['stringValue'];
    }
  });
});
