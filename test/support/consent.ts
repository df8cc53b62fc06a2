import { randomUUID } from 'node:crypto';
import { buildManifest, DEFAULT_POLICY, type PrivacyLevel } from '@prism-telemetry/privacy';
import { writeState } from '../../packages/agent/src/state/telemetry-state.js';

/**
 * Writes a `state.json` in mode on with a consent receipt for `endpoint` at `level`, given 5 s ago (so data
 * collected from now on is after the consent), as `prism-telemetry enable --yes` would.
 */
export async function writeConsentedState(dataDir: string, endpoint: string, level: PrivacyLevel): Promise<void> {
  const manifest = buildManifest(DEFAULT_POLICY, level);
  const given = new Date(Date.now() - 5000).toISOString();
  await writeState(dataDir, {
    schemaVersion: 1,
    mode: 'on',
    modeSince: given,
    dataGeneration: 0,
    consent: {
      id: randomUUID(),
      timestamp: given,
      consentVersion: '1',
      level,
      categories: ['health', 'level', 'errors'],
      endpoint,
      policyUrl: 'https://corrective-drift.com/privacy',
      policyVersion: manifest.policyVersion,
      manifestHash: manifest.hash,
    },
  });
}
