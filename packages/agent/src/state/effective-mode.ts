import { buildManifest, DEFAULT_POLICY, diffManifests, type Policy } from '@prism-telemetry/privacy';
import { CONSENT_VERSION, type ConsentReceipt, type EffectiveMode, type TelemetryState } from './types.js';

export type Env = Record<string, string | undefined>;

export const REASON_DISABLED = 'forced off by PRISM_TELEMETRY_DISABLED=1';
export const REASON_DO_NOT_TRACK = 'sending forbidden by DO_NOT_TRACK=1';
export const REASON_NO_RECEIPT = 'no consent receipt';
export const REASON_POLICY_WIDENED = 'the policy widened since consent; run prism-telemetry enable again';
export const REASON_CONSENT_VERSION = 'the consent form changed since consent; run prism-telemetry enable again';

/**
 * Earlier versions of DEFAULT_POLICY this build still knows. When the policy changes, append the old one
 * here: a receipt given for it is then diffed against the current policy, and a change that only narrows
 * what is sent keeps sharing going. A receipt for a policy not listed here needs new consent.
 */
export const PREVIOUS_POLICIES: readonly Policy[] = [];

/**
 * The DO_NOT_TRACK convention, used for both overrides: any non-empty value other than `0` or `false`.
 * Reading `PRISM_TELEMETRY_DISABLED=yes` as "not disabled" would fail open, so it is read the same way.
 */
export function envFlag(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

export interface ReceiptCheckOptions {
  /** The policy in force; DEFAULT_POLICY unless a test says otherwise. */
  policy?: Policy;
  previousPolicies?: readonly Policy[];
}

export type ReceiptCheck = { valid: true; narrowed: boolean } | { valid: false; reason: string };

/**
 * Does `receipt` still cover what this build would send at its level? The receipt keeps only the hash of
 * the manifest the user saw, so a changed hash counts as a widening (fail closed) unless the consented
 * manifest can be rebuilt from a known earlier policy and diffManifests says the change only narrows.
 */
export function checkReceipt(receipt: ConsentReceipt, options: ReceiptCheckOptions = {}): ReceiptCheck {
  if (receipt.consentVersion !== CONSENT_VERSION) return { valid: false, reason: REASON_CONSENT_VERSION };
  const current = buildManifest(options.policy ?? DEFAULT_POLICY, receipt.level);
  if (current.hash === receipt.manifestHash) return { valid: true, narrowed: false };
  for (const old of options.previousPolicies ?? PREVIOUS_POLICIES) {
    if (old.version !== receipt.policyVersion) continue;
    const consented = buildManifest(old, receipt.level);
    if (consented.hash !== receipt.manifestHash) continue;
    return diffManifests(consented, current).widens
      ? { valid: false, reason: REASON_POLICY_WIDENED }
      : { valid: true, narrowed: true };
  }
  return { valid: false, reason: REASON_POLICY_WIDENED };
}

/**
 * The mode in force once the environment has had its say. PRISM_TELEMETRY_DISABLED wins over everything
 * (nothing collected); DO_NOT_TRACK keeps the stored mode (local collection goes on) but forbids sending.
 * Sharing needs mode `on`, a receipt that still covers the policy, and no override.
 */
export function effectiveMode(state: TelemetryState, env: Env, options: ReceiptCheckOptions = {}): EffectiveMode {
  if (envFlag(env['PRISM_TELEMETRY_DISABLED'])) {
    return { mode: 'off', sharingAllowed: false, reason: REASON_DISABLED, forcedBy: 'PRISM_TELEMETRY_DISABLED' };
  }
  if (envFlag(env['DO_NOT_TRACK'])) {
    const reason =
      state.mode === 'off' ? `mode off: nothing is collected; ${REASON_DO_NOT_TRACK}` : REASON_DO_NOT_TRACK;
    return { mode: state.mode, sharingAllowed: false, reason, forcedBy: 'DO_NOT_TRACK' };
  }
  const local = (reason: string): EffectiveMode => ({
    mode: state.mode,
    sharingAllowed: false,
    reason,
    forcedBy: undefined,
  });
  if (state.mode === 'off') return local('mode off: nothing is collected');
  if (state.mode === 'local') return local('mode local: data stays on this machine');
  if (!state.consent) return local(REASON_NO_RECEIPT);
  const check = checkReceipt(state.consent, options);
  if (!check.valid) return local(check.reason);
  const narrowed = check.narrowed ? '; the policy narrowed since consent' : '';
  return {
    mode: 'on',
    sharingAllowed: true,
    reason: `sharing at level ${state.consent.level} under consent given ${state.consent.timestamp}${narrowed}`,
    forcedBy: undefined,
  };
}
