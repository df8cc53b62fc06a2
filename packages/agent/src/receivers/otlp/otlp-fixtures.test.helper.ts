import { getMetricsServiceRequestType } from '../../otlp/proto.js';

/** Nanosecond timestamps that a float64 cannot hold exactly. */
export const START_NANOS = '1700000000123456789';
export const TIME_NANOS = '1700000010987654321';
export const START_HRTIME = [1_700_000_000, 123_456_789];
export const TIME_HRTIME = [1_700_000_010, 987_654_321];

const times = { startTimeUnixNano: START_NANOS, timeUnixNano: TIME_NANOS };

/** An OTLP/JSON ExportMetricsServiceRequest with one metric of each kind and known values. */
export function everyKindRequest(): Record<string, unknown> {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'shop' } },
            { key: 'host.cpus', value: { intValue: '8' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'shop-meter', version: '2.0.0', attributes: [{ key: 'a', value: { stringValue: 'b' } }] },
            metrics: [
              {
                name: 'shop.orders',
                unit: '{order}',
                description: 'Orders placed',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      ...times,
                      asInt: '9007199254740993',
                      attributes: [{ key: 'tier', value: { stringValue: 'gold' } }],
                    },
                    { ...times, asInt: '-42', attributes: [{ key: 'tier', value: { stringValue: 'free' } }] },
                  ],
                },
              },
              {
                name: 'shop.queue',
                sum: { aggregationTemporality: 1, isMonotonic: false, dataPoints: [{ ...times, asDouble: -1.5 }] },
              },
              {
                name: 'shop.temperature',
                unit: 'Cel',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: TIME_NANOS,
                      asDouble: 0.1,
                      attributes: [
                        { key: 'ok', value: { boolValue: true } },
                        { key: 'ratio', value: { doubleValue: 0.25 } },
                        {
                          key: 'zones',
                          value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
                        },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'shop.latency',
                unit: 's',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      ...times,
                      count: '6',
                      sum: 12.5,
                      min: 0.001,
                      max: 9.75,
                      bucketCounts: ['1', '0', '2', '3'],
                      explicitBounds: [0.005, 0.1, 2.5],
                    },
                  ],
                },
              },
              {
                name: 'shop.size',
                unit: 'By',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...times,
                      count: '10',
                      sum: 1234.5,
                      scale: 3,
                      zeroCount: '1',
                      positive: { offset: -2, bucketCounts: ['4', '0', '3'] },
                      negative: { offset: 5, bucketCounts: ['2'] },
                      min: -3,
                      max: 700,
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

/** The same request as protobuf, through the vendored schema. */
export function toProtobuf(request: Record<string, unknown>): Buffer {
  const type = getMetricsServiceRequestType();
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/** A request with one gauge point carrying `attributes`. */
export function gaugeRequest(attributes: unknown[], point: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              { name: 'g', gauge: { dataPoints: [{ timeUnixNano: TIME_NANOS, asInt: '1', attributes, ...point }] } },
            ],
          },
        ],
      },
    ],
  };
}
