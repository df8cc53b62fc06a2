import { buildManifest, DEFAULT_POLICY, type Policy } from '@prism-telemetry/privacy';
import { describe, expect, it } from 'vitest';
import {
  checkReceipt,
  effectiveMode,
  envFlag,
  REASON_CONSENT_VERSION,
  REASON_DISABLED,
  REASON_DO_NOT_TRACK,
  REASON_NO_RECEIPT,
  REASON_POLICY_WIDENED,
} from './effective-mode.js';
import { CONSENT_VERSION, type ConsentReceipt, type Mode, type TelemetryState } from './types.js';

function receiptFor(policy: Policy, level: ConsentReceipt['level'] = 'standard'): ConsentReceipt {
  const manifest = buildManifest(policy, level);
  return {
    id: '00000000-0000-4000-8000-000000000000',
    timestamp: '2026-11-22T00:00:00.000Z',
    consentVersion: CONSENT_VERSION,
    level,
    categories: ['health'],
    endpoint: 'https://collector.example/v1/metrics',
    policyUrl: 'https://corrective-drift.com/privacy',
    policyVersion: manifest.policyVersion,
    manifestHash: manifest.hash,
  };
}

function state(mode: Mode, consent?: ConsentReceipt): TelemetryState {
  return { schemaVersion: 1, mode, modeSince: undefined, consent, dataGeneration: 0 };
}

const withoutNetworkIo: Policy = {
  ...DEFAULT_POLICY,
  version: '2',
  metrics: DEFAULT_POLICY.metrics.filter((m) => m.name !== 'system.network.io'),
};
const withExtraMetric: Policy = {
  ...DEFAULT_POLICY,
  version: '2',
  metrics: [
    ...DEFAULT_POLICY.metrics,
    {
      name: 'prism.test.extra',
      unit: '1',
      description: 'a metric the user never saw',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
      attributes: [],
    },
  ],
};

describe('envFlag', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['1', true],
    ['yes', true],
    ['true', true],
  ])('%j -> %s', (value, expected) => expect(envFlag(value)).toBe(expected));
});

describe('effectiveMode', () => {
  const on = state('on', receiptFor(DEFAULT_POLICY));

  it('shares only in mode on with a current receipt and no override', () => {
    expect(effectiveMode(on, {})).toMatchObject({ mode: 'on', sharingAllowed: true, forcedBy: undefined });
    expect(effectiveMode(state('local'), {})).toMatchObject({ mode: 'local', sharingAllowed: false });
    expect(effectiveMode(state('off'), {})).toMatchObject({ mode: 'off', sharingAllowed: false });
  });

  it.each(['off', 'local', 'on'] as const)('PRISM_TELEMETRY_DISABLED=1 forces %s to off', (mode) => {
    const s = state(mode, mode === 'on' ? receiptFor(DEFAULT_POLICY) : undefined);
    for (const env of [{ PRISM_TELEMETRY_DISABLED: '1' }, { PRISM_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }]) {
      expect(effectiveMode(s, env)).toEqual({
        mode: 'off',
        sharingAllowed: false,
        reason: REASON_DISABLED,
        forcedBy: 'PRISM_TELEMETRY_DISABLED',
      });
    }
  });

  it.each(['local', 'on'] as const)('DO_NOT_TRACK forbids sending but keeps mode %s', (mode) => {
    const s = state(mode, mode === 'on' ? receiptFor(DEFAULT_POLICY) : undefined);
    expect(effectiveMode(s, { DO_NOT_TRACK: '1' })).toEqual({
      mode,
      sharingAllowed: false,
      reason: REASON_DO_NOT_TRACK,
      forcedBy: 'DO_NOT_TRACK',
    });
  });

  it('DO_NOT_TRACK in mode off still names itself', () => {
    const result = effectiveMode(state('off'), { DO_NOT_TRACK: 'true' });
    expect(result).toMatchObject({ mode: 'off', sharingAllowed: false, forcedBy: 'DO_NOT_TRACK' });
    expect(result.reason).toContain(REASON_DO_NOT_TRACK);
  });

  it('ignores overrides set to 0, false or empty', () => {
    const env = { PRISM_TELEMETRY_DISABLED: '0', DO_NOT_TRACK: 'false' };
    expect(effectiveMode(on, env)).toMatchObject({ mode: 'on', sharingAllowed: true });
    expect(effectiveMode(on, { DO_NOT_TRACK: '' })).toMatchObject({ sharingAllowed: true });
  });

  it('mode on without a receipt does not share', () => {
    expect(effectiveMode(state('on'), {})).toEqual({
      mode: 'on',
      sharingAllowed: false,
      reason: REASON_NO_RECEIPT,
      forcedBy: undefined,
    });
  });

  it('pauses sharing when the policy widened since consent', () => {
    const result = effectiveMode(on, {}, { policy: withExtraMetric, previousPolicies: [DEFAULT_POLICY] });
    expect(result).toMatchObject({ mode: 'on', sharingAllowed: false, reason: REASON_POLICY_WIDENED });
  });

  it('keeps sharing when the policy only narrowed and the consented policy is known', () => {
    const result = effectiveMode(on, {}, { policy: withoutNetworkIo, previousPolicies: [DEFAULT_POLICY] });
    expect(result.sharingAllowed).toBe(true);
    expect(result.reason).toContain('narrowed');
  });

  it('treats a changed manifest as widening when the consented policy is unknown (fail closed)', () => {
    expect(effectiveMode(on, {}, { policy: withoutNetworkIo, previousPolicies: [] })).toMatchObject({
      sharingAllowed: false,
      reason: REASON_POLICY_WIDENED,
    });
  });
});

describe('checkReceipt', () => {
  it('accepts a receipt for the current manifest', () => {
    expect(checkReceipt(receiptFor(DEFAULT_POLICY, 'detailed'))).toEqual({ valid: true, narrowed: false });
  });

  it('rejects a tampered manifest hash at the same policy version', () => {
    const receipt = { ...receiptFor(DEFAULT_POLICY), manifestHash: 'f'.repeat(64) };
    expect(checkReceipt(receipt, { previousPolicies: [DEFAULT_POLICY] })).toEqual({
      valid: false,
      reason: REASON_POLICY_WIDENED,
    });
  });

  it('rejects a receipt from another consent form version', () => {
    const receipt = { ...receiptFor(DEFAULT_POLICY), consentVersion: '0' };
    expect(checkReceipt(receipt)).toEqual({ valid: false, reason: REASON_CONSENT_VERSION });
  });
});
