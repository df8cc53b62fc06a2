import type { AlertEvent } from '../rule.js';

export type NotifyResult = { ok: true } | { ok: false; reason: string };

/** Hands an alert event to something on this machine. Never rejects: a failure is a result. */
export interface AlertNotifier {
  /** For log lines: `command`, `webhook`. */
  readonly kind: string;
  notify(event: AlertEvent): Promise<NotifyResult>;
}

/** How long a notifier may take before it is given up on (the command is killed, the request aborted). */
export const NOTIFY_TIMEOUT_MILLIS = 10_000;
