import { isLoopbackUrl } from '../loopback.js';
import type { AlertEvent } from '../rule.js';
import { NOTIFY_TIMEOUT_MILLIS, type AlertNotifier, type NotifyResult } from './notifier.js';

/**
 * POSTs each event as JSON to a URL on this machine. Loopback only, checked here as well as in the config:
 * nothing is ever sent off the machine by an alert. Redirects are refused, since one could point elsewhere.
 */
export class WebhookNotifier implements AlertNotifier {
  readonly kind = 'webhook';
  readonly #url: string;
  readonly #timeoutMillis: number;
  readonly #fetch: typeof fetch;

  constructor(url: string, options: { timeoutMillis?: number; fetchImpl?: typeof fetch } = {}) {
    if (!isLoopbackUrl(url)) throw new RangeError('alert webhook must be a loopback URL (127.0.0.1, ::1, localhost)');
    this.#url = url;
    this.#timeoutMillis = options.timeoutMillis ?? NOTIFY_TIMEOUT_MILLIS;
    this.#fetch = options.fetchImpl ?? fetch;
  }

  async notify(event: AlertEvent): Promise<NotifyResult> {
    const signal = AbortSignal.timeout(this.#timeoutMillis);
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        redirect: 'error',
        signal,
      });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? { ok: true } : { ok: false, reason: `http_${response.status}` };
    } catch {
      return { ok: false, reason: signal.aborted ? 'timeout' : 'unreachable' };
    }
  }
}
