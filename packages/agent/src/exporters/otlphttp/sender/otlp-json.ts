import { getMetricsServiceRequestType } from '../../../otlp/proto.js';

/**
 * proto3 JSON as OTLP/JSON amends it: lowerCamelCase keys, 64-bit integers as decimal strings, enums as
 * numbers (OTLP/JSON requires integers there), bytes as base64, NaN and Infinity as strings, default values left
 * out. `oneofs: false` keeps protobufjs from adding its virtual oneof-name fields, which are not OTLP keys.
 */
const TO_OBJECT_OPTIONS = {
  longs: String,
  enums: Number,
  bytes: String,
  json: true,
  defaults: false,
  arrays: false,
  oneofs: false,
} as const;

const DATA_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/**
 * An `ExportMetricsServiceRequest` in protobuf as OTLP/JSON bytes. Throws when `request` is not a decodable
 * request; the sender turns that into a permanent failure.
 */
export function protobufToOtlpJson(request: Uint8Array): Buffer {
  const type = getMetricsServiceRequestType();
  const object = type.toObject(type.decode(request), TO_OBJECT_OPTIONS);
  hexTraceIds(object);
  return Buffer.from(JSON.stringify(object));
}

/** OTLP/JSON departs from proto3 JSON in one place: exemplar trace and span ids are hex, not base64. */
function hexTraceIds(request: Record<string, unknown>): void {
  for (const resource of records(request['resourceMetrics'])) {
    for (const scope of records(resource['scopeMetrics'])) {
      for (const metric of records(scope['metrics'])) {
        for (const kind of DATA_KINDS) {
          const data = metric[kind];
          if (!isRecord(data)) continue;
          for (const point of records(data['dataPoints'])) {
            for (const exemplar of records(point['exemplars'])) {
              for (const key of ['traceId', 'spanId']) {
                const value = exemplar[key];
                if (typeof value === 'string') exemplar[key] = Buffer.from(value, 'base64').toString('hex');
              }
            }
          }
        }
      }
    }
  }
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
