import type { IncomingHttpHeaders } from 'node:http';
import { rejectedDataPointsOf, type ResponseEncoding } from './partial-success.js';
import { parseRetryAfter } from './retry-after.js';
import type { SendOutcome } from './types.js';

/** The statuses OTLP/HTTP says to retry (the spec's list); every other failure status is final. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when it was read to its end within the limit; undefined otherwise (then it is not parsed). */
  body: Buffer | undefined;
}

export interface ClassifyContext {
  requestEncoding: ResponseEncoding;
  /** Request body bytes on the wire. */
  bytes: number;
  nowMillis: number;
}

/**
 * What an HTTP answer means for the batch. A redirect is never followed (the batch and its credentials go to
 * the configured endpoint or nowhere) and is final, like any other status OTLP does not retry. The body of a
 * failure is not looked at: it is the server's text, which must not reach a log.
 */
export function classifyResponse(answer: HttpAnswer, context: ClassifyContext): SendOutcome {
  const { status } = answer;
  const { bytes } = context;
  if (status >= 200 && status < 300) {
    const rejectedDataPoints =
      answer.body === undefined
        ? 0
        : rejectedDataPointsOf(answer.body, answer.headers['content-type'], context.requestEncoding);
    return { kind: 'success', status, rejectedDataPoints, bytes };
  }
  if (RETRYABLE_STATUSES.has(status)) {
    const retryAfterMillis = parseRetryAfter(answer.headers['retry-after'], context.nowMillis);
    return { kind: 'retryable', status, reason: `http_${status}`, retryAfterMillis, bytes };
  }
  if (status >= 300 && status < 400) return { kind: 'failed', status, reason: `redirect_${status}`, bytes };
  return { kind: 'failed', status, reason: `http_${status}`, bytes };
}
