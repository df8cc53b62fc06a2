import type { IncomingHttpHeaders } from 'node:http';
import type { OtlpFormat } from './decode-request.js';

export const METRICS_PATH = '/v1/metrics';

export type Admission =
  { ok: true; format: OtlpFormat; gzip: boolean } | { ok: false; status: 403 | 404 | 405 | 413 | 415; message: string };

export interface RequestLine {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface CheckOptions {
  maxBodyBytes: number;
  /**
   * Host names a request may address; undefined accepts any. On a loopback address this stops DNS rebinding:
   * a web page whose name was re-pointed at 127.0.0.1 still sends its own name.
   */
  allowedHosts: ReadonlySet<string> | undefined;
}

const FORMATS: Readonly<Record<string, OtlpFormat>> = {
  'application/x-protobuf': 'protobuf',
  'application/json': 'json',
};

/** The format the request says it is in, if it is one of OTLP's; answers are written in it. */
export function requestFormat(headers: IncomingHttpHeaders): OtlpFormat | undefined {
  const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return FORMATS[mediaType];
}

/** `Host` without its port, lower case; IPv6 without brackets. */
export function hostName(host: string | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\]/.exec(value);
  if (bracketed) return bracketed[1]!;
  return value.replace(/:\d*$/, '');
}

/** Everything decidable from the request line and headers, before a byte of the body is read. */
export function checkRequest(request: RequestLine, options: CheckOptions): Admission {
  const path = (request.url ?? '').split('?')[0];
  if (path !== METRICS_PATH) {
    return { ok: false, status: 404, message: `only ${METRICS_PATH} is served here` };
  }
  if (request.method !== 'POST') {
    return { ok: false, status: 405, message: `${METRICS_PATH} takes POST only` };
  }
  const { headers } = request;
  if (options.allowedHosts && !options.allowedHosts.has(hostName(headers.host))) {
    return { ok: false, status: 403, message: 'the Host header does not name this receiver (send to 127.0.0.1)' };
  }
  const format = requestFormat(headers);
  if (!format) {
    return {
      ok: false,
      status: 415,
      message: 'the Content-Type must be application/x-protobuf or application/json',
    };
  }
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    return { ok: false, status: 415, message: 'the Content-Encoding must be gzip or none' };
  }
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > options.maxBodyBytes) {
    return { ok: false, status: 413, message: `the request body is larger than ${options.maxBodyBytes} bytes` };
  }
  return { ok: true, format, gzip: encoding === 'gzip' };
}

/** Names under which a receiver listening on `host` may be addressed; undefined when it is not loopback. */
export function loopbackHostNames(host: string): ReadonlySet<string> | undefined {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return loopback ? new Set(['localhost', '127.0.0.1', '::1', host.toLowerCase()]) : undefined;
}
