/** A server asking for more than an hour is capped: the queue's age limit, not the server, decides what expires. */
export const MAX_RETRY_AFTER_MILLIS = 60 * 60 * 1000;

const DELTA_SECONDS = /^\d+$/;
/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`). */
const GMT_DATE = /^[A-Za-z]{3,9}, [\dA-Za-z -]+ \d{2}:\d{2}:\d{2} GMT$/;
/** Obsolete asctime (`Sun Nov  6 08:49:37 1994`), which is UTC but does not say so. */
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * The `Retry-After` header (RFC 9110 10.2.3) in milliseconds from `nowMillis`: delta-seconds or an HTTP-date.
 * A date in the past is 0 (retry now); anything else that is not one of the two forms is undefined, so the
 * caller falls back to its own backoff. Capped at `capMillis`.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMillis: number,
  capMillis: number = MAX_RETRY_AFTER_MILLIS,
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (DELTA_SECONDS.test(text)) return Math.min(Number(text) * 1000, capMillis);
  let at: number;
  if (GMT_DATE.test(text)) at = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) at = Date.parse(`${text} GMT`);
  else return undefined;
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - nowMillis, 0), capMillis);
}
