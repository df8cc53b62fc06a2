import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../policy/default-policy.js';
import type { PRIVACY_LEVELS } from '../policy/types.js';
import { diffManifests } from './diff.js';
import { buildManifest } from './manifest.js';

describe('buildManifest', () => {
  it('lists exactly the metrics the policy allows at each level', () => {
    const names = (level: (typeof PRIVACY_LEVELS)[number]) =>
      buildManifest(DEFAULT_POLICY, level).metrics.map((m) => m.name);
    expect(names('minimal')).toContain('system.cpu.utilization');
    expect(names('minimal')).not.toContain('system.network.io');
    expect(names('standard')).toContain('system.network.io');
    expect(names('detailed')).toContain('system.network.errors');
    expect(new Set(names('detailed'))).toEqual(new Set(DEFAULT_POLICY.metrics.map((m) => m.name)));
  });

  it('has a stable hash that changes with the level', () => {
    const a = buildManifest(DEFAULT_POLICY, 'standard');
    expect(buildManifest(DEFAULT_POLICY, 'standard').hash).toBe(a.hash);
    expect(buildManifest(DEFAULT_POLICY, 'minimal').hash).not.toBe(a.hash);
  });
});

describe('diffManifests', () => {
  it('says raising the level widens and narrowing does not', () => {
    const minimal = buildManifest(DEFAULT_POLICY, 'minimal');
    const standard = buildManifest(DEFAULT_POLICY, 'standard');
    const detailed = buildManifest(DEFAULT_POLICY, 'detailed');
    expect(diffManifests(minimal, standard).widens).toBe(true);
    expect(diffManifests(standard, detailed).widens).toBe(true);
    expect(diffManifests(detailed, minimal).widens).toBe(false);
    expect(diffManifests(standard, standard)).toEqual({
      addedMetrics: [],
      removedMetrics: [],
      changedAttributes: [],
      widens: false,
    });
  });

  it('reports a hashed attribute becoming kept as a widening', () => {
    const standard = buildManifest(DEFAULT_POLICY, 'standard');
    const detailed = buildManifest(DEFAULT_POLICY, 'detailed');
    const diff = diffManifests(standard, detailed);
    expect(diff.changedAttributes).toContainEqual({
      metric: 'system.filesystem.utilization',
      key: 'system.filesystem.mountpoint',
      from: 'hash',
      to: 'keep',
    });
  });

  it('treats a new allowed value as a widening', () => {
    const base = buildManifest(DEFAULT_POLICY, 'standard');
    const wider = structuredClone(base);
    const attr = wider.metrics.find((m) => m.name === 'system.cpu.time')!.attributes[0]!;
    attr.values = [...attr.values!, 'guest'];
    expect(diffManifests(base, wider).widens).toBe(true);
  });
});
