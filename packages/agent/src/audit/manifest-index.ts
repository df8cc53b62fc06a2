import {
  bucketLabels,
  buildManifest,
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  type Category,
  type ManifestAttribute,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';

export interface IndexedAttribute {
  treatment: ManifestAttribute['treatment'];
  /** Allowed values for `keep` with a fixed set, or the labels for `bucket`; undefined when free-form. */
  allowed: ReadonlySet<string> | undefined;
}

export interface IndexedManifest {
  level: PrivacyLevel;
  metrics: ReadonlyMap<string, { category: Category; attributes: ReadonlyMap<string, IndexedAttribute> }>;
  resource: ReadonlyMap<string, IndexedAttribute>;
}

function indexAttributes(attributes: readonly ManifestAttribute[]): Map<string, IndexedAttribute> {
  return new Map(
    attributes.map((a) => {
      const allowed =
        a.treatment === 'keep' && a.values
          ? new Set(a.values)
          : a.treatment === 'bucket'
            ? new Set(bucketLabels(a.buckets ?? []))
            : undefined;
      return [a.key, { treatment: a.treatment, allowed }];
    }),
  );
}

/** The manifest of every level, indexed by metric name and attribute key for line-by-line checks. */
export function indexManifests(): ReadonlyMap<PrivacyLevel, IndexedManifest> {
  return new Map(
    PRIVACY_LEVELS.map((level) => {
      const manifest = buildManifest(DEFAULT_POLICY, level);
      const metrics = new Map(
        manifest.metrics.map((m) => [m.name, { category: m.category, attributes: indexAttributes(m.attributes) }]),
      );
      return [level, { level, metrics, resource: indexAttributes(manifest.resource) }];
    }),
  );
}
