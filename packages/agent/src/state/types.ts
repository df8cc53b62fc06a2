import type { Category, PrivacyLevel } from '@prism-telemetry/privacy';

/**
 * off: nothing is collected or stored. local (default): collected and stored here, nothing leaves the
 * machine. on: local, plus sharing with the consented endpoint at the consented level.
 */
export const MODES = ['off', 'local', 'on'] as const;
export type Mode = (typeof MODES)[number];

export const CONSENT_VERSION = '1';

/** What the user agreed to when they turned sharing on. Kept, with every revocation, as a local history. */
export interface ConsentReceipt {
  /** Random id of this receipt (UUID). */
  id: string;
  /** ISO 8601 time the consent was given; data collected before it is never sent. */
  timestamp: string;
  consentVersion: string;
  /** Privacy level consented to for sharing. */
  level: PrivacyLevel;
  categories: Category[];
  /** Origin + path of the endpoint, never credentials or query. */
  endpoint: string;
  policyUrl: string;
  /** Policy version and hash of the manifest the user was shown (see buildManifest). */
  policyVersion: string;
  manifestHash: string;
}

/** `<data-dir>/state.json`, written atomically (temp file, fsync, rename, fsync of the directory). */
export interface TelemetryState {
  schemaVersion: 1;
  mode: Mode;
  /** ISO 8601 time the mode was set; undefined when never set (the default `local`). */
  modeSince: string | undefined;
  /** The receipt in force; undefined when sharing was never consented or was revoked. */
  consent: ConsentReceipt | undefined;
  /** Bumped by `delete --all`: a running agent reloads its secret and reopens its files. */
  dataGeneration: number;
}

/** One line of `<data-dir>/consent-history.jsonl`. */
export type ConsentEvent =
  | { event: 'granted'; at: string; receipt: ConsentReceipt }
  | { event: 'revoked'; at: string; receiptId: string; reason: string };

/** The mode in force once environment overrides are applied, and why. */
export interface EffectiveMode {
  mode: Mode;
  /** True only in mode on, with a valid receipt, and no DO_NOT_TRACK. */
  sharingAllowed: boolean;
  /** Human-readable reason, e.g. `forced off by PRISM_TELEMETRY_DISABLED=1`. */
  reason: string;
  forcedBy: 'PRISM_TELEMETRY_DISABLED' | 'DO_NOT_TRACK' | undefined;
}

/** One line of `<data-dir>/outbound.jsonl`: every network attempt the agent makes, whatever its outcome. */
export interface OutboundAttempt {
  at: string;
  /** Origin and path only (`https://host:port/v1/collect`). */
  destination: string;
  bytes: number;
  /** The effective mode when the attempt was made. */
  mode: Mode;
  /** `sent`, `failed:<http status or error code>`, `blocked:<reason>`. */
  result: string;
  purpose: 'collect' | 'delete' | 'consent';
}
