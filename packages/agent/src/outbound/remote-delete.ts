import { destinationOf } from './outbound-log.js';

export const REMOTE_DELETE_TIMEOUT_MILLIS = 10_000;
/** The endpoint's answer is printed for the user; a long or binary body is cut to this many characters. */
const MAX_ANSWER_CHARS = 500;

export interface RemoteDeleteOptions {
  /** The sharing endpoint (any URL on the server); only its origin is used. */
  endpoint: string;
  clusterId: string;
  timeoutMillis?: number;
  fetch?: typeof fetch;
}

export interface RemoteDeleteResult {
  /** Origin and path of the request, as the outbound log records it. */
  destination: string;
  /** True for a 2xx answer. */
  ok: boolean;
  /** HTTP status; undefined when no answer came. */
  status: number | undefined;
  /** The outbound-log result: `sent:<status>` or `failed:<code>`. */
  result: string;
  /** The endpoint's answer (status text and a cut, printable body), or what went wrong. */
  answer: string;
}

export function remoteDeleteUrl(endpoint: string, clusterId: string): URL {
  return new URL(`/v1/data/${clusterId}`, new URL(endpoint).origin);
}

/** `DELETE {origin}/v1/data/{cluster id}`. Never throws: the caller records and reports every outcome. */
export async function requestRemoteDeletion(options: RemoteDeleteOptions): Promise<RemoteDeleteResult> {
  let url: URL;
  try {
    url = remoteDeleteUrl(options.endpoint, options.clusterId);
  } catch {
    return { destination: '(invalid url)', ok: false, status: undefined, result: 'failed:invalid_url', answer: '' };
  }
  const destination = destinationOf(url);
  const doFetch = options.fetch ?? fetch;
  const timeoutMillis = options.timeoutMillis ?? REMOTE_DELETE_TIMEOUT_MILLIS;
  try {
    const response = await doFetch(url, {
      method: 'DELETE',
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMillis),
    });
    const body = printable(await response.text().catch(() => ''));
    const answer = [`HTTP ${response.status} ${response.statusText}`.trim(), body].filter((s) => s !== '').join(': ');
    return { destination, ok: response.ok, status: response.status, result: `sent:${response.status}`, answer };
  } catch (error) {
    const code = failureCode(error);
    return {
      destination,
      ok: false,
      status: undefined,
      result: `failed:${code}`,
      answer: describeFailure(code, timeoutMillis),
    };
  }
}

function printable(text: string): string {
  const flat = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return flat.length > MAX_ANSWER_CHARS ? `${flat.slice(0, MAX_ANSWER_CHARS)}...` : flat;
}

/** A stable code for a failed request: the errno (`ECONNREFUSED`), `timeout`, or `network_error`. */
function failureCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return 'network_error';
}

function describeFailure(code: string, timeoutMillis: number): string {
  if (code === 'timeout') return `no answer within ${timeoutMillis / 1000} s`;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ENOTFOUND') return 'the host name did not resolve';
  return `the request failed (${code})`;
}
