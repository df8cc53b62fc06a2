import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestOptions,
} from 'node:http';
import type { Clock } from '../../../component/clock.js';
import { classifyRequestError } from './failure-reason.js';

/** How one POST ended before classification: an HTTP answer, or no answer at all. */
export type PostResult =
  | {
      kind: 'answer';
      status: number;
      headers: IncomingHttpHeaders;
      /** The whole body, or undefined when it was cut off, too long, or not finished in time. */
      body: Buffer | undefined;
    }
  | { kind: 'no_answer'; retryable: boolean; reason: string };

export type RequestFunction = (
  url: URL,
  options: RequestOptions,
  onResponse: (res: IncomingMessage) => void,
) => ClientRequest;

export interface PostOptions {
  request: RequestFunction;
  url: URL;
  headers: OutgoingHttpHeaders;
  agent: RequestOptions['agent'];
  body: Buffer;
  /** For the whole exchange: connecting, sending, and reading the answer. */
  timeoutMillis: number;
  maxResponseBytes: number;
  clock: Clock;
  signal: AbortSignal | undefined;
}

/**
 * A keep-alive socket the server closed while it sat idle fails the next request with a reset before any
 * answer. Node's documentation says to retry that case: the server never saw the request. Bounded by the
 * agent's free sockets, each of which can be stale once.
 */
const STALE_SOCKET_RETRIES = 2;
const STALE_SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/**
 * One POST of `body`, redirects not followed, the answer's body read up to `maxResponseBytes` (the rest is
 * never read: the socket is dropped instead). Never rejects. Knows nothing about OTLP.
 */
export function post(options: PostOptions): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    let current: ClientRequest | undefined;
    let answered: { status: number; headers: IncomingHttpHeaders } | undefined;

    const settle = (result: PostResult, dropConnection: boolean): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      if (dropConnection) current?.destroy();
      resolve(result);
    };
    /** Ends the exchange early: a status already received still counts; otherwise `reason` is the result. */
    const stop = (reason: string): void => {
      const result: PostResult = answered
        ? { kind: 'answer', ...answered, body: undefined }
        : { kind: 'no_answer', retryable: true, reason };
      settle(result, true);
    };
    const onAbort = (): void => stop('aborted');
    const timer = options.clock.after(options.timeoutMillis, () => stop('timeout'));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const onResponse = (res: IncomingMessage): void => {
      answered = { status: res.statusCode ?? 0, headers: res.headers };
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > options.maxResponseBytes) {
          chunks.length = 0;
          stop('response_too_large');
          return;
        }
        chunks.push(chunk);
      });
      res.once('end', () => settle({ kind: 'answer', ...answered!, body: Buffer.concat(chunks, total) }, false));
      res.once('error', () => stop('response_cut_off'));
      res.once('close', () => {
        if (!res.complete) stop('response_cut_off');
      });
    };

    const start = (staleRetriesLeft: number): void => {
      let req: ClientRequest;
      try {
        req = options.request(
          options.url,
          { method: 'POST', headers: options.headers, agent: options.agent },
          onResponse,
        );
      } catch {
        // Only a header or URL Node refuses gets here; the sender validates both when it is built.
        settle({ kind: 'no_answer', retryable: false, reason: 'invalid_request' }, false);
        return;
      }
      current = req;
      req.on('error', (error: Error & { code?: string }) => {
        if (settled || answered) return;
        if (req.reusedSocket && staleRetriesLeft > 0 && STALE_SOCKET_CODES.has(error.code ?? '')) {
          start(staleRetriesLeft - 1);
          return;
        }
        settle({ kind: 'no_answer', ...classifyRequestError(error) }, false);
      });
      req.end(options.body);
    };

    if (options.signal?.aborted) {
      settle({ kind: 'no_answer', retryable: true, reason: 'aborted' }, false);
      return;
    }
    start(STALE_SOCKET_RETRIES);
  });
}
