import { z } from 'zod';
import { parseHostPort } from './probe-schemas.js';
import { durationSetting, sizeSetting } from './unit-schemas.js';

/** `receivers: otlp[/name]`: accepts OTLP/HTTP metrics (`POST /v1/metrics`) from applications on this machine. */
export interface OtlpReceiverConfig {
  type: 'otlp';
  /** As written (`host:port`), for messages. */
  endpoint: string;
  /** Without brackets for IPv6. */
  host: string;
  port: number;
  /** Limit on the body after gzip is undone: a small compressed body may not expand past it. */
  maxRequestBodyBytes: number;
  /** Requests being read or processed at once; more get 503 with Retry-After. */
  maxConcurrentRequests: number;
  /**
   * Data points per second this receiver takes, averaged over a second; past it, requests get 429 with a
   * Retry-After saying when to send again. A single request larger than that passes when the senders have been
   * quiet. Default 100000: far above what applications on one machine send.
   */
  maxPointsPerSecond: number;
  /** Time a client has to send the request headers. */
  headerTimeoutMillis: number;
  /** Time a connection may stay open with nothing happening on it. */
  idleTimeoutMillis: number;
}

export const DEFAULT_OTLP_ENDPOINT = '127.0.0.1:4318';

// Loopback by default: any other address exposes the receiver to the network, so it has to be written out.
const listenEndpoint = z
  .string()
  .default(DEFAULT_OTLP_ENDPOINT)
  .transform((text, ctx) => {
    const parsed = parseHostPort(text.trim());
    if (parsed) return { endpoint: text.trim(), ...parsed };
    ctx.addIssue({
      code: 'custom',
      message: 'must be host:port',
      params: { hint: `write e.g. ${DEFAULT_OTLP_ENDPOINT} (only programs on this machine can then send)` },
    });
    return z.NEVER;
  });

const concurrentRequests = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be at least 1' })
  .max(1024, { message: 'must be at most 1024' })
  .default(16);

/** Default points/s limit: ~40x an OTel Collector forwarding a busy host's metrics every 10 s. */
export const DEFAULT_MAX_POINTS_PER_SECOND = 100_000;

const pointsPerSecond = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be at least 1' })
  .default(DEFAULT_MAX_POINTS_PER_SECOND);

export const otlpReceiverSchema = z
  .strictObject({
    endpoint: listenEndpoint,
    max_request_body_size: sizeSetting('20MiB', { value: 1024, text: '1KiB' }),
    max_concurrent_requests: concurrentRequests,
    max_points_per_second: pointsPerSecond,
    header_timeout: durationSetting('10s', { value: 100, text: '100ms' }),
    idle_timeout: durationSetting('30s', { value: 100, text: '100ms' }),
  })
  .transform((r): OtlpReceiverConfig => ({
    type: 'otlp',
    ...r.endpoint,
    maxRequestBodyBytes: r.max_request_body_size,
    maxConcurrentRequests: r.max_concurrent_requests,
    maxPointsPerSecond: r.max_points_per_second,
    headerTimeoutMillis: r.header_timeout,
    idleTimeoutMillis: r.idle_timeout,
  }));
