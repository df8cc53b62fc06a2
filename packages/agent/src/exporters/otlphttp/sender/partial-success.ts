import type protobuf from 'protobufjs';
import { getMetricsServiceRequestType } from '../../../otlp/proto.js';

export type ResponseEncoding = 'protobuf' | 'json';

const RESPONSE_TYPE = 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse';
let responseType: protobuf.Type | undefined;

/**
 * `partial_success.rejected_data_points` of an `ExportMetricsServiceResponse`. The response's `Content-Type`
 * picks the decoder; without one, the request's encoding does (OTLP servers answer in the request's). A body
 * that is empty, cannot be decoded, or holds no sensible count is 0: the server accepted the request, and a
 * garbled answer must not turn that into a resend.
 */
export function rejectedDataPointsOf(
  body: Buffer,
  contentType: string | undefined,
  requestEncoding: ResponseEncoding,
): number {
  if (body.length === 0) return 0;
  const encoding = encodingOf(contentType) ?? requestEncoding;
  try {
    return encoding === 'json' ? fromJson(body) : fromProtobuf(body);
  } catch {
    return 0;
  }
}

function encodingOf(contentType: string | undefined): ResponseEncoding | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  return undefined;
}

function fromProtobuf(body: Buffer): number {
  responseType ??= getMetricsServiceRequestType().root.lookupType(RESPONSE_TYPE);
  const response = responseType.toObject(responseType.decode(body), { longs: String });
  const partial: unknown = response['partialSuccess'];
  return isRecord(partial) ? count(partial['rejectedDataPoints']) : 0;
}

/** proto3 JSON parsers accept the proto field names as well as the lowerCamelCase ones; so does this. */
function fromJson(body: Buffer): number {
  const response: unknown = JSON.parse(body.toString('utf8'));
  if (!isRecord(response)) return 0;
  const partial = response['partialSuccess'] ?? response['partial_success'];
  if (!isRecord(partial)) return 0;
  return count(partial['rejectedDataPoints'] ?? partial['rejected_data_points']);
}

/** int64 arrives as a decimal string or a number; negative, fractional or absurd values count as 0. */
function count(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
