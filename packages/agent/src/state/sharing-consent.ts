import {
  buildManifest,
  CATEGORIES,
  DEFAULT_POLICY,
  narrowerLevel,
  type Category,
  type Manifest,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { AgentConfig } from '../config/types.js';
import { consentEndpoint, consentPolicyUrl, grantConsent } from './consent.js';
import type { ConsentReceipt, EffectiveMode } from './types.js';

export const DEFAULT_POLICY_URL = 'https://corrective-drift.com/privacy';

/** The endpoint sharing goes to when none is named: the config's first otlphttp exporter. */
export function firstOtlpHttpEndpoint(config: AgentConfig): string | undefined {
  for (const exporter of Object.values(config.exporters)) {
    if (exporter.type === 'otlphttp') return exporter.endpoint;
  }
  return undefined;
}

/** One sharing (`otlphttp`) exporter as `status` and the dashboard show it, without its queue. */
export interface SharingExporterView {
  exporter: string;
  destination: string;
  /** What it sends: the consented level, narrowed by the exporter's own `privacy_level`; null without consent. */
  level: PrivacyLevel | null;
  /** The exporter's own `privacy_level`, or null. */
  levelCap: PrivacyLevel | null;
  /** Null while this exporter may send; otherwise why not (mode, DO_NOT_TRACK, consent for another endpoint). */
  notSending: string | null;
}

/**
 * The level one sharing exporter may send at and why it does not send, from the effective mode and the consent
 * receipt: a receipt names one endpoint, so of several exporters only the one it names sends.
 */
export function sharingExporterView(
  exporter: { id: string; destination: string; levelCap: PrivacyLevel | undefined },
  effective: EffectiveMode,
  consent: ConsentReceipt | undefined,
): SharingExporterView {
  const cap = exporter.levelCap;
  return {
    exporter: exporter.id,
    destination: exporter.destination,
    level: consent ? (cap ? narrowerLevel(consent.level, cap) : consent.level) : null,
    levelCap: cap ?? null,
    notSending: !effective.sharingAllowed
      ? effective.reason
      : consent?.endpoint !== exporter.destination
        ? 'the consent receipt names another endpoint'
        : null,
  };
}

/** The categories a manifest's metrics fall in, in policy order: what a receipt for it covers. */
export function manifestCategories(manifest: Manifest): Category[] {
  const used = new Set(manifest.metrics.map((m) => m.category));
  return CATEGORIES.filter((c) => used.has(c));
}

export interface ConsentToSharingOptions {
  level: PrivacyLevel;
  endpoint: string;
  policyUrl?: string;
  now: number;
}

/**
 * What `enable` records once the user said yes (at the terminal or in the dashboard): a receipt for the
 * manifest of `level`, its categories, the endpoint's origin and path, and mode on.
 */
export async function consentToSharing(dataDir: string, options: ConsentToSharingOptions): Promise<ConsentReceipt> {
  const manifest = buildManifest(DEFAULT_POLICY, options.level);
  return grantConsent(dataDir, {
    level: options.level,
    endpoint: consentEndpoint(options.endpoint),
    policyUrl: consentPolicyUrl(options.policyUrl ?? DEFAULT_POLICY_URL),
    categories: manifestCategories(manifest),
    now: options.now,
  });
}
