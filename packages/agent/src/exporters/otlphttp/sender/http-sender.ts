import http, { type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { systemClock, type Clock } from '../../../component/clock.js';
import type { Logger } from '../../../component/logger.js';
import { PrismError } from '../../../errors.js';
import { destinationOf } from '../../../outbound/outbound-log.js';
import { readCaFile } from './ca-file.js';
import { classifyResponse } from './classify-response.js';
import { protobufToOtlpJson } from './otlp-json.js';
import { post, type RequestFunction } from './post.js';
import type { SendOutcome, Sender } from './types.js';

const gzipAsync = promisify(gzip);

export type SenderEncoding = 'protobuf' | 'json';
export type SenderCompression = 'gzip' | 'none';

export const CLUSTER_ID_HEADER = 'x-prism-cluster-id';
/** An `ExportMetricsServiceResponse` is a few bytes; anything past this is not read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Idle keep-alive sockets close before the common server idle timeouts (Node 5 s) so few go stale. */
const IDLE_SOCKET_MILLIS = 4_000;

const CONTENT_TYPE: Record<SenderEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * Headers that frame the request or that the sender sets itself. A configured value would corrupt the framing
 * (`transfer-encoding` next to `content-length`) or contradict the body, so it is a config error.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'upgrade',
  'expect',
  'trailer',
  CLUSTER_ID_HEADER,
]);

export interface HttpSenderOptions {
  /** The full collect URL, e.g. `https://collect.example/v1/collect`. */
  url: string;
  encoding: SenderEncoding;
  compression: SenderCompression;
  /** Sent as `Authorization: Bearer <apiKey>`; overrides an `Authorization` in `headers`. */
  apiKey?: string;
  headers: Record<string, string>;
  /** A PEM CA bundle, read once here. It replaces the system roots for this endpoint (as the Collector's `ca_file`). */
  caFile?: string;
  /** For messages about `caFile`: the config key the user wrote it under. */
  caFileConfigKey?: string;
  timeoutMillis: number;
  clusterId: string;
  /** e.g. `prism-telemetry/0.1.0`. */
  userAgent: string;
  clock?: Clock;
  /** Told about failures that are settings to fix (TLS, redirects), once per change of reason. */
  logger?: Logger;
  maxResponseBytes?: number;
}

export interface HttpSender extends Sender {
  /** Closes idle keep-alive sockets. Safe twice; a later `send` opens new ones. */
  close(): void;
}

/**
 * The single-attempt OTLP/HTTP sender of the sharing exporter: encodes, compresses and POSTs one batch and
 * says what came of it. Retrying, backoff and the queue live in the send loop. Throws only here, when built
 * from settings that cannot work; `send` never throws.
 */
export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const url = parseUrl(options.url);
  if (hasApiKey(options) && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', 'an API key is only sent over https (or to this machine)', {
      hint: 'use the https:// endpoint',
    });
  }
  if (!(options.timeoutMillis > 0)) {
    throw new PrismError('PT_ERR_CONFIG_INVALID', 'timeout: must be more than 0');
  }
  const headers = buildHeaders(options);
  const caKey = options.caFileConfigKey ?? 'tls.ca_file';
  const ca = options.caFile === undefined ? undefined : readCaFile(options.caFile, caKey);
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: 4, maxFreeSockets: 2, timeout: IDLE_SOCKET_MILLIS };
  const agent = secure ? new https.Agent({ ...agentOptions, ...(ca ? { ca } : {}) }) : new http.Agent(agentOptions);
  const request: RequestFunction = secure ? https.request : http.request;
  const clock = options.clock ?? systemClock;
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const destination = destinationOf(url);
  let lastLoggedReason: string | undefined;

  const tellUser = (outcome: SendOutcome): void => {
    const reason = outcome.kind === 'failed' ? outcome.reason : undefined;
    const isSetting = reason !== undefined && (reason.startsWith('tls_') || reason.startsWith('redirect_'));
    if (!isSetting) {
      lastLoggedReason = undefined;
      return;
    }
    if (reason === lastLoggedReason) return;
    lastLoggedReason = reason;
    options.logger?.warn('the sharing endpoint cannot be used as configured', {
      destination,
      reason,
      hint: reason.startsWith('tls_') ? `check the endpoint's certificate and ${caKey}` : 'configure the final URL',
    });
  };

  return {
    async send(requestBytes: Uint8Array, signal?: AbortSignal): Promise<SendOutcome> {
      if (signal?.aborted) return retryable('aborted', 0);
      let body: Buffer;
      try {
        body = await encodeBody(requestBytes, options.encoding, options.compression);
      } catch {
        return { kind: 'failed', status: undefined, reason: 'invalid_request', bytes: 0 };
      }
      const bytes = body.length;
      const result = await post({
        request,
        url,
        headers: { ...headers, 'content-length': bytes },
        agent,
        body,
        timeoutMillis: options.timeoutMillis,
        maxResponseBytes,
        clock,
        signal,
      });
      const outcome: SendOutcome =
        result.kind === 'answer'
          ? classifyResponse(result, { requestEncoding: options.encoding, bytes, nowMillis: clock.now() })
          : result.retryable
            ? retryable(result.reason, bytes)
            : { kind: 'failed', status: undefined, reason: result.reason, bytes };
      tellUser(outcome);
      return outcome;
    },
    close(): void {
      agent.destroy();
    },
  };
}

/** An empty key (an unset environment variable, say) is no key. */
function hasApiKey(options: HttpSenderOptions): options is HttpSenderOptions & { apiKey: string } {
  return options.apiKey !== undefined && options.apiKey !== '';
}

function retryable(reason: string, bytes: number): SendOutcome {
  return { kind: 'retryable', status: undefined, reason, retryAfterMillis: undefined, bytes };
}

async function encodeBody(
  request: Uint8Array,
  encoding: SenderEncoding,
  compression: SenderCompression,
): Promise<Buffer> {
  const encoded =
    encoding === 'json'
      ? protobufToOtlpJson(request)
      : Buffer.from(request.buffer, request.byteOffset, request.byteLength);
  return compression === 'gzip' ? gzipAsync(encoded) : encoded;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', 'endpoint: is not a URL', {
      hint: 'write e.g. https://collect.example/v1/collect',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', 'endpoint: must be an http or https URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', 'endpoint: must not contain credentials', {
      hint: 'set api_key instead',
    });
  }
  return url;
}

/** Lower-cased, validated once; messages name the header, never its value. */
function buildHeaders(options: HttpSenderOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [rawName, value] of Object.entries(options.headers)) {
    const name = rawName.toLowerCase();
    if (RESERVED_HEADERS.has(name)) {
      throw new PrismError('PT_ERR_CONFIG_INVALID', `headers.${rawName}: is set by the agent`, {
        hint: 'remove it from headers',
      });
    }
    checkHeader(name, value, `headers.${rawName}`);
    headers[name] = value;
  }
  if (hasApiKey(options)) {
    const authorization = `Bearer ${options.apiKey}`;
    checkHeader('authorization', authorization, 'api_key');
    headers['authorization'] = authorization;
  }
  checkHeader(CLUSTER_ID_HEADER, options.clusterId, 'cluster id');
  checkHeader('user-agent', options.userAgent, 'user agent');
  headers[CLUSTER_ID_HEADER] = options.clusterId;
  headers['user-agent'] = options.userAgent;
  headers['content-type'] = CONTENT_TYPE[options.encoding];
  if (options.compression === 'gzip') headers['content-encoding'] = 'gzip';
  return headers;
}

function checkHeader(name: string, value: string, configKey: string): void {
  try {
    http.validateHeaderName(name);
    http.validateHeaderValue(name, value);
  } catch {
    throw new PrismError('PT_ERR_CONFIG_INVALID', `${configKey}: has characters an HTTP header cannot carry`, {
      hint: 'remove line breaks and control characters',
    });
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
