import protobuf from 'protobufjs';
import { getMetricsServiceRequestType } from '../../otlp/proto.js';
import type { OtlpFormat } from './decode-request.js';

export const CONTENT_TYPE: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * google.rpc.Status, the body OTLP/HTTP gives a failed request. The vendored protos stop at OTLP's own
 * messages, so its two scalar fields are declared here (field numbers as in google/rpc/status.proto).
 */
const STATUS_TYPE = new protobuf.Root()
  .define('google.rpc')
  .add(
    new protobuf.Type('Status')
      .add(new protobuf.Field('code', 1, 'int32'))
      .add(new protobuf.Field('message', 2, 'string')),
  )
  .lookupType('Status');

/** gRPC codes for the HTTP statuses this receiver answers with (as the Collector maps them). */
const GRPC_CODE: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  403: 7, // PERMISSION_DENIED
  404: 12, // UNIMPLEMENTED
  405: 12,
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};
const UNKNOWN = 2;

export function grpcCodeFor(httpStatus: number): number {
  return GRPC_CODE[httpStatus] ?? UNKNOWN;
}

/** The body of an error response. `message` is fixed text with counts and offsets, never request content. */
export function statusBody(format: OtlpFormat, httpStatus: number, message: string): Buffer {
  const status = { code: grpcCodeFor(httpStatus), message };
  if (format === 'json') return Buffer.from(JSON.stringify(status));
  return Buffer.from(STATUS_TYPE.encode(STATUS_TYPE.create(status)).finish());
}

export interface PartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

let responseType: protobuf.Type | undefined;

/** ExportMetricsServiceResponse: empty on full success, with `partialSuccess` when points were rejected. */
export function exportResponseBody(format: OtlpFormat, partial: PartialSuccess | undefined): Buffer {
  if (format === 'json') {
    // int64 is a decimal string in proto3 JSON.
    const body = partial
      ? {
          partialSuccess: {
            rejectedDataPoints: String(partial.rejectedDataPoints),
            errorMessage: partial.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(body));
  }
  responseType ??= getMetricsServiceRequestType().root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  );
  const body = partial ? { partialSuccess: partial } : {};
  return Buffer.from(responseType.encode(responseType.fromObject(body)).finish());
}
