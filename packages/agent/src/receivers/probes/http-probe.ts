import http from 'node:http';
import https from 'node:https';
import { ProbeFailure } from './probe-errors.js';
import type { Probe } from './probe-receiver.js';

/** Inclusive ranges of accepted statuses, e.g. [[200, 399]]. */
export type StatusRanges = readonly (readonly [number, number])[];

/**
 * Up when a GET answers with an expected status; the body is not read. Redirects are not followed (a 3xx is the
 * answer: following could lead to another host).
 *
 * node:http with `agent: false` rather than global fetch: after an aborted fetch, undici's shared pool opens a
 * spare connection to the unresponsive server and keeps it for its 4 s keep-alive, so a timed-out probe would
 * leave a socket behind. Here every probe owns exactly one socket, closed when the status arrives or the probe
 * is aborted. Credentials in the URL are sent as Basic auth and taken out of the URL first, so no error or
 * request line can carry them.
 */
export function httpProbe(endpoint: string, expectedStatus: StatusRanges): Probe {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { 'user-agent': 'prism-telemetry-probe' };
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const transport = url.protocol === 'https:' ? https : http;
  return {
    check: (signal) =>
      new Promise<void>((resolve, reject) => {
        const request = transport.request(url, { method: 'GET', agent: false, headers, signal }, (response) => {
          const status = response.statusCode ?? 0;
          response.destroy();
          request.destroy();
          if (expectedStatus.some(([low, high]) => status >= low && status <= high)) resolve();
          else reject(new ProbeFailure(`HTTP ${status}`));
        });
        request.on('error', reject);
        request.end();
      }),
  };
}
