import {
  buildManifest,
  CATEGORIES,
  DEFAULT_POLICY,
  type Category,
  type Manifest,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { AgentConfig } from '../config/types.js';
import { consentEndpoint, consentPolicyUrl, grantConsent } from './consent.js';
import type { ConsentReceipt } from './types.js';

export const DEFAULT_POLICY_URL = 'https://corrective-drift.com/privacy';

/** The endpoint sharing goes to when none is named: the config's first otlphttp exporter. */
export function firstOtlpHttpEndpoint(config: AgentConfig): string | undefined {
  for (const exporter of Object.values(config.exporters)) {
    if (exporter.type === 'otlphttp') return exporter.endpoint;
  }
  return undefined;
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
