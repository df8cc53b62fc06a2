import { destinationOf } from '../../../outbound/outbound-log.js';
import type { HttpSenderOptions, SenderCompression, SenderEncoding } from './http-sender.js';

/**
 * What `show` and `status` may print about a sender: where it sends (origin and path; the query can carry
 * tokens) and how, and whether secrets are set, never the secrets, header values or the CA file's path.
 */
export interface SenderDescription {
  destination: string;
  encoding: SenderEncoding;
  compression: SenderCompression;
  /** `none` for http; for https, whose certificates are trusted. */
  tls: 'none' | 'system_ca' | 'custom_ca';
  apiKeySet: boolean;
  /** How many extra headers are configured; their names and values are not shown. */
  extraHeaders: number;
  timeoutMillis: number;
  /** All of the above on one line, e.g. for `show`. */
  summary: string;
}

export function describeSender(
  options: Pick<
    HttpSenderOptions,
    'url' | 'encoding' | 'compression' | 'apiKey' | 'headers' | 'caFile' | 'timeoutMillis'
  >,
): SenderDescription {
  const destination = destinationOf(options.url);
  const tls = !destination.startsWith('https:') ? 'none' : options.caFile === undefined ? 'system_ca' : 'custom_ca';
  const apiKeySet = options.apiKey !== undefined && options.apiKey !== '';
  const extraHeaders = Object.keys(options.headers).length;
  const summary = [
    destination,
    options.encoding,
    options.compression === 'gzip' ? 'gzip' : 'uncompressed',
    tls === 'none' ? 'no TLS' : tls === 'custom_ca' ? 'TLS (custom CA)' : 'TLS',
    apiKeySet ? 'API key set' : 'no API key',
    ...(extraHeaders > 0 ? [`${extraHeaders} extra header${extraHeaders === 1 ? '' : 's'}`] : []),
    `timeout ${options.timeoutMillis / 1000} s`,
  ].join(', ');
  return {
    destination,
    encoding: options.encoding,
    compression: options.compression,
    tls,
    apiKeySet,
    extraHeaders,
    timeoutMillis: options.timeoutMillis,
    summary,
  };
}
