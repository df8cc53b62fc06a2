import { getMetricsServiceRequestType } from '../../otlp/proto.js';
import { JSON_LIMITS, scanJson, type JsonLimits } from './scan-json.js';
import { PROTOBUF_LIMITS, scanProtobuf, type ProtobufLimits } from './scan-protobuf.js';

export type OtlpFormat = 'protobuf' | 'json';

export type DecodeResult = { ok: true; request: unknown } | { ok: false; message: string };

export interface DecodeLimits {
  json: JsonLimits;
  protobuf: ProtobufLimits;
}

export const DECODE_LIMITS: DecodeLimits = { json: JSON_LIMITS, protobuf: PROTOBUF_LIMITS };

/**
 * The body as an ExportMetricsServiceRequest: protobufjs messages or parsed OTLP/JSON, which the converter
 * reads alike. Failure messages say what was wrong, never what the body held (it may be personal data).
 */
export function decodeRequest(body: Buffer, format: OtlpFormat, limits: DecodeLimits = DECODE_LIMITS): DecodeResult {
  if (format === 'protobuf') {
    const type = getMetricsServiceRequestType();
    const problem = scanProtobuf(body, type, limits.protobuf);
    if (problem) return { ok: false, message: problem };
    try {
      return { ok: true, request: type.decode(body) };
    } catch {
      return { ok: false, message: 'the protobuf body could not be decoded as an ExportMetricsServiceRequest' };
    }
  }
  const problem = scanJson(body, limits.json);
  if (problem) return { ok: false, message: problem };
  try {
    return { ok: true, request: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    // JSON.parse's own message quotes the body, so it is not passed on.
    return { ok: false, message: 'the body is not valid JSON' };
  }
}
