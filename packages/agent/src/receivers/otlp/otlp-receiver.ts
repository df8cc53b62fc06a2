import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Clock } from '../../component/clock.js';
import type { Component } from '../../component/component.js';
import type { Logger } from '../../component/logger.js';
import { PrismError } from '../../errors.js';
import { checkRequest, loopbackHostNames, requestFormat } from './check-request.js';
import { DECODE_LIMITS, type DecodeLimits, type OtlpFormat } from './decode-request.js';
import { exportRequest, type ExportOutcome } from './export-request.js';
import { CONTENT_TYPE, statusBody } from './otlp-response.js';
import { PointsRateLimit } from './points-rate-limit.js';
import { WarnLimiter } from './warn-limiter.js';

/** What the pipeline does with each received resource; how many points it refused (the privacy policy's drops). */
export type ConsumeMetrics = (resourceMetrics: ResourceMetrics) => Promise<{ rejectedDataPoints: number }>;

export interface OtlpReceiverOptions {
  /** Receiver id for logs, e.g. `otlp` or `otlp/apps`. */
  id: string;
  host: string;
  /** 0 picks a free port (see `address()`). */
  port: number;
  maxRequestBodyBytes: number;
  maxConcurrentRequests: number;
  /**
   * Data points per second the receiver takes before answering 429 with Retry-After (see PointsRateLimit).
   * Undefined: no limit.
   */
  maxPointsPerSecond?: number;
  headerTimeoutMillis: number;
  idleTimeoutMillis: number;
  consume: ConsumeMetrics;
  logger: Logger;
  /** For spacing out repeated warnings. Default the system clock. */
  clock?: Pick<Clock, 'now'>;
  decodeLimits?: DecodeLimits;
}

const REFUSAL_REASON: Record<403 | 404 | 405 | 413 | 415, string> = {
  403: 'host_not_allowed',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/** The whole request, headers and body, must arrive within this (or the header timeout, if longer). */
const REQUEST_TIMEOUT_MILLIS = 60_000;
/** How long shutdown waits for requests already being processed before closing their connections. */
const SHUTDOWN_GRACE_MILLIS = 2_000;
/** Retry-After on a 503: the receiver or the pipeline is busy for now, with no better estimate. */
const RETRY_AFTER_SECONDS = 1;

/**
 * OTLP/HTTP metrics receiver: `POST /v1/metrics` in protobuf or JSON, optionally gzip. Each request is read
 * within its limits, decoded, converted to the SDK's ResourceMetrics and handed to `consume`; the answer is
 * OTLP's (200 with partialSuccess, 400 never to retry, 413, 415, 429 and 503 with Retry-After). 429 says the
 * sender is over this receiver's points/s limit (slow down); 503 that the receiver or the pipeline cannot take
 * data now (too many requests at once, an exporter failed). Nothing from a request body reaches a response or a
 * log line: they carry fixed text, counts and byte offsets.
 */
export class OtlpReceiver implements Component {
  readonly #options: OtlpReceiverOptions;
  readonly #allowedHosts: ReadonlySet<string> | undefined;
  readonly #warnings: WarnLimiter;
  readonly #rateLimit: PointsRateLimit | undefined;
  #server: Server | undefined;
  #address: { host: string; port: number } | undefined;
  #inFlight = 0;
  readonly #handlers = new Set<Promise<void>>();
  #stopping: Promise<void> | undefined;

  constructor(options: OtlpReceiverOptions) {
    this.#options = options;
    this.#allowedHosts = loopbackHostNames(options.host);
    const clock = options.clock;
    this.#warnings = new WarnLimiter(options.logger, clock ? { now: () => clock.now() } : {});
    this.#rateLimit =
      options.maxPointsPerSecond === undefined
        ? undefined
        : new PointsRateLimit(options.maxPointsPerSecond, clock ?? { now: () => Date.now() });
  }

  /** Where it listens, once started; with port 0 this is the port actually taken. */
  address(): { host: string; port: number } {
    if (!this.#address) throw new Error('the OTLP receiver is not listening');
    return this.#address;
  }

  async start(): Promise<void> {
    if (this.#server || this.#stopping) return;
    const { headerTimeoutMillis, idleTimeoutMillis, host, port, id } = this.#options;
    const server = createServer({
      headersTimeout: headerTimeoutMillis,
      requestTimeout: Math.max(REQUEST_TIMEOUT_MILLIS, headerTimeoutMillis),
      // How often the two timeouts above are checked; Node's default of 30 s would stretch them.
      connectionsCheckingInterval: Math.min(1_000, headerTimeoutMillis),
    });
    server.keepAliveTimeout = idleTimeoutMillis;
    server.timeout = idleTimeoutMillis;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#track(this.#handle(req, res, false)));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
      this.#track(this.#handle(req, res, true)),
    );
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.#server = undefined;
        reject(
          new PrismError(
            'PT_ERR_RECEIVER_LISTEN',
            `receiver ${id}: cannot listen on ${host}:${port} (${error.code ?? error.name})`,
            {
              hint:
                error.code === 'EADDRINUSE'
                  ? `another program uses the port: stop it, or set receivers.${id}.endpoint to a free host:port`
                  : `set receivers.${id}.endpoint to an address of this machine, e.g. 127.0.0.1:4318`,
              cause: error,
            },
          ),
        );
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.removeListener('error', onError);
        resolve();
      });
    });
    const bound = server.address() as AddressInfo;
    this.#address = { host, port: bound.port };
    this.#options.logger.info('OTLP receiver listening', { receiver: id, endpoint: `${host}:${bound.port}` });
  }

  /** Stops accepting, lets requests in progress finish (briefly), then closes every connection. Safe twice. */
  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#handlers]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MILLIS).unref())),
    ]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
    this.#server = undefined;
  }

  #track(handler: Promise<void>): void {
    this.#handlers.add(handler);
    void handler.finally(() => this.#handlers.delete(handler));
  }

  async #handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
    const replyFormat: OtlpFormat = requestFormat(req.headers) ?? 'json';
    try {
      if (this.#stopping) {
        return this.#refuse(req, res, replyFormat, 503, 'the receiver is shutting down', RETRY_AFTER_SECONDS);
      }
      const admission = checkRequest(req, {
        maxBodyBytes: this.#options.maxRequestBodyBytes,
        allowedHosts: this.#allowedHosts,
      });
      if (!admission.ok) {
        this.#warnRefused(admission.status, REFUSAL_REASON[admission.status]);
        return this.#refuse(req, res, replyFormat, admission.status, admission.message, undefined);
      }
      if (this.#inFlight >= this.#options.maxConcurrentRequests) {
        this.#warnRefused(503, 'too_many_requests');
        return this.#refuse(req, res, replyFormat, 503, 'too many requests at once: retry later', RETRY_AFTER_SECONDS);
      }
      const rate = this.#rateLimit?.admit() ?? { ok: true };
      if (!rate.ok) {
        this.#warnRefused(429, 'rate_limited');
        const message = `more than ${this.#options.maxPointsPerSecond} data points per second: retry later`;
        return this.#refuse(req, res, replyFormat, 429, message, rate.retryAfterSeconds);
      }
      this.#inFlight++;
      try {
        if (expectsContinue) res.writeContinue();
        const outcome = await exportRequest(req, {
          format: admission.format,
          gzip: admission.gzip,
          maxBodyBytes: this.#options.maxRequestBodyBytes,
          decodeLimits: this.#options.decodeLimits ?? DECODE_LIMITS,
          consume: this.#options.consume,
          ...(this.#rateLimit ? { chargePoints: this.#rateLimit.charge.bind(this.#rateLimit) } : {}),
        });
        this.#answer(req, res, admission.format, outcome);
      } finally {
        this.#inFlight--;
      }
    } catch (error) {
      this.#options.logger.error('OTLP receiver failed on a request', {
        receiver: this.#options.id,
        error: error instanceof Error ? error.name : typeof error,
      });
      if (!res.headersSent) {
        this.#refuse(req, res, replyFormat, 500, 'the receiver failed on this request', undefined);
      } else res.destroy();
    }
  }

  #answer(req: IncomingMessage, res: ServerResponse, format: OtlpFormat, outcome: ExportOutcome): void {
    const { id } = this.#options;
    if (outcome.status !== 200) {
      this.#warnRefused(outcome.status, outcome.logReason);
      const { status, message } = outcome;
      const retryAfter = status === 503 ? RETRY_AFTER_SECONDS : undefined;
      if (outcome.bodyUnread) this.#refuse(req, res, format, status, message, retryAfter);
      else this.#send(res, status, format, statusBody(format, status, message), retryAfter);
      return;
    }
    if (outcome.rejectedDataPoints > 0) {
      this.#warnings.warn('rejected', 'OTLP data points rejected', {
        receiver: id,
        rejected: outcome.rejectedDataPoints,
        ...outcome.reasons,
      });
    }
    this.#send(res, 200, format, outcome.body, undefined);
  }

  #warnRefused(status: number, reason: string): void {
    this.#warnings.warn(reason, 'OTLP request refused', { receiver: this.#options.id, status, reason });
  }

  /**
   * Answers a request whose body was not (fully) read, and closes the connection after the answer: of a 1 GiB
   * upload, only what arrives before the close is read, and it is discarded, never buffered.
   */
  #refuse(
    req: IncomingMessage,
    res: ServerResponse,
    format: OtlpFormat,
    status: number,
    message: string,
    retryAfterSeconds: number | undefined,
  ): void {
    res.setHeader('Connection', 'close');
    if (status === 405) res.setHeader('Allow', 'POST');
    this.#send(res, status, format, statusBody(format, status, message), retryAfterSeconds);
    req.resume();
  }

  /** `retryAfterSeconds` marks the answer retryable (429, 503): the sender waits that long before retrying. */
  #send(
    res: ServerResponse,
    status: number,
    format: OtlpFormat,
    body: Buffer,
    retryAfterSeconds: number | undefined,
  ): void {
    res.statusCode = status;
    res.setHeader('Content-Type', CONTENT_TYPE[format]);
    res.setHeader('Content-Length', body.length);
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.end(body);
  }
}
