import type { IncomingMessage } from 'node:http';
import { decodeRequest, type DecodeLimits, type OtlpFormat } from './decode-request.js';
import type { ConsumeMetrics } from './otlp-receiver.js';
import { exportResponseBody } from './otlp-response.js';
import { ShapeError } from './otlp-values.js';
import { readBody } from './read-body.js';
import { toResourceMetrics, type Conversion, type ConversionStats } from './to-resource-metrics.js';

export type ExportOutcome =
  | {
      status: 200;
      body: Buffer;
      rejectedDataPoints: number;
      /** Counts by reason, for the log. */
      reasons: Record<string, number>;
    }
  | {
      status: 400 | 413 | 503;
      /** For the client: what was wrong, never what the body held. */
      message: string;
      /** For the log: a fixed token. */
      logReason: string;
      /** True when the body was not read to its end, so the connection must not be reused. */
      bodyUnread: boolean;
    };

export interface ExportRequestOptions {
  format: OtlpFormat;
  gzip: boolean;
  maxBodyBytes: number;
  decodeLimits: DecodeLimits;
  consume: ConsumeMetrics;
  /** Told how many data points a request holds once it is decoded (the receiver's points/s limit). */
  chargePoints?: (points: number) => void;
}

function describeRejections(stats: ConversionStats, byConsumer: number): string {
  const parts = Object.entries(stats.rejectedByReason).map(([reason, count]) => `${count} ${reason}`);
  if (byConsumer > 0) parts.push(`${byConsumer} not allowed by the privacy policy`);
  const total = stats.rejectedDataPoints + byConsumer;
  return `${total} of ${stats.dataPoints} data points rejected: ${parts.join(', ')}`;
}

/**
 * Synchronous on purpose: the body and the decoded tree (the large parts) are garbage as soon as this returns,
 * not kept alive across the awaits on `consume`.
 */
function decodeAndConvert(
  body: Buffer,
  format: OtlpFormat,
  limits: DecodeLimits,
): { ok: true; conversion: Conversion } | { ok: false; message: string; logReason: string } {
  const decoded = decodeRequest(body, format, limits);
  if (!decoded.ok) return { ok: false, message: decoded.message, logReason: 'malformed' };
  try {
    return { ok: true, conversion: toResourceMetrics(decoded.request) };
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return { ok: false, message: error.message, logReason: 'not_a_metrics_request' };
  }
}

/** One `POST /v1/metrics`: read, decode, convert, hand each resource to `consume`, and say what to answer. */
export async function exportRequest(req: IncomingMessage, options: ExportRequestOptions): Promise<ExportOutcome> {
  const read = await readBody(req, { maxBytes: options.maxBodyBytes, gzip: options.gzip });
  if (!read.ok) {
    return {
      status: read.status,
      message: read.message,
      logReason: read.status === 413 ? 'body_too_large' : 'body_unreadable',
      bodyUnread: true,
    };
  }
  const converted = decodeAndConvert(read.body, options.format, options.decodeLimits);
  if (!converted.ok) {
    return { status: 400, message: converted.message, logReason: converted.logReason, bodyUnread: false };
  }
  const { resourceMetrics, stats } = converted.conversion;
  options.chargePoints?.(stats.dataPoints);
  let byConsumer = 0;
  try {
    for (const resource of resourceMetrics) byConsumer += (await options.consume(resource)).rejectedDataPoints;
  } catch {
    return {
      status: 503,
      message: 'the agent could not take the data now: retry later',
      logReason: 'consumer_failed',
      bodyUnread: false,
    };
  }
  const rejectedDataPoints = stats.rejectedDataPoints + byConsumer;
  const partial =
    rejectedDataPoints > 0 ? { rejectedDataPoints, errorMessage: describeRejections(stats, byConsumer) } : undefined;
  return {
    status: 200,
    body: exportResponseBody(options.format, partial),
    rejectedDataPoints,
    reasons: {
      ...stats.rejectedByReason,
      ...(byConsumer > 0 ? { privacy_policy: byConsumer } : {}),
      ...(stats.droppedAttributes > 0 ? { dropped_attributes: stats.droppedAttributes } : {}),
      ...(stats.droppedScopeAttributes > 0 ? { dropped_scope_attributes: stats.droppedScopeAttributes } : {}),
    },
  };
}
