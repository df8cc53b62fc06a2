import { createHash } from 'node:crypto';
import { levelIncludes } from '../policy/levels.js';
import type { AttributeRule, Category, InstrumentKind, Policy, PrivacyLevel, Treatment } from '../policy/types.js';

export interface ManifestAttribute {
  key: string;
  description: string;
  treatment: Treatment;
  /** For kept attributes with a fixed set of values. */
  values?: string[];
  /** For bucketed attributes. */
  buckets?: number[];
}

export interface ManifestMetric {
  name: string;
  unit: string;
  description: string;
  category: Category;
  instrument: InstrumentKind;
  attributes: ManifestAttribute[];
}

/**
 * What is collected at one level, derived from the policy itself so that what users are shown cannot
 * drift from what the code does. `hash` covers everything else in the manifest; a consent receipt records it.
 */
export interface Manifest {
  policyVersion: string;
  level: PrivacyLevel;
  metrics: ManifestMetric[];
  resource: ManifestAttribute[];
  neverCollected: string[];
  hash: string;
}

function attribute(rule: AttributeRule, level: PrivacyLevel): ManifestAttribute {
  const treatment = rule.treatment[level];
  return {
    key: rule.key,
    description: rule.description,
    treatment,
    ...(treatment === 'keep' && rule.values ? { values: [...rule.values] } : {}),
    ...(treatment === 'bucket' && rule.buckets ? { buckets: [...rule.buckets] } : {}),
  };
}

/** JSON with object keys sorted, so equal manifests hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function buildManifest(policy: Policy, level: PrivacyLevel): Manifest {
  const body = {
    policyVersion: policy.version,
    level,
    metrics: policy.metrics
      .filter((m) => levelIncludes(level, m.minLevel))
      .map((m) => ({
        name: m.name,
        unit: m.unit,
        description: m.description,
        category: m.category,
        instrument: m.instrument,
        attributes: m.attributes.map((a) => attribute(a, level)),
      })),
    resource: policy.resource.map((a) => attribute(a, level)),
    neverCollected: [...policy.neverCollected],
  };
  return { ...body, hash: createHash('sha256').update(canonicalJson(body)).digest('hex') };
}
