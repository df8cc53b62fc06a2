export { PRIVACY_LEVELS, CATEGORIES } from './policy/types.js';
export type {
  AttributeRule,
  Category,
  InstrumentKind,
  MetricRule,
  Policy,
  PrivacyLevel,
  Treatment,
} from './policy/types.js';
export { DEFAULT_POLICY } from './policy/default-policy.js';
export { isPrivacyLevel, levelIncludes, levelRank, narrowerLevel } from './policy/levels.js';
export { checkPolicy } from './policy/check-policy.js';
export { PolicyAtLevel } from './policy/policy-at-level.js';
export type { AllowedMetric, MetricDecision } from './policy/policy-at-level.js';
export { AttributeFilter, MAX_KEPT_VALUE_LENGTH } from './anonymize/attribute-filter.js';
export type { AttributeFilterContext } from './anonymize/attribute-filter.js';
export { createHmacPseudonymizer } from './anonymize/hasher.js';
export type { HmacPseudonymizerOptions, Pseudonymizer } from './anonymize/hasher.js';
export { detectPersonalData } from './anonymize/personal-data.js';
export type { PersonalDataKind } from './anonymize/personal-data.js';
export { bucketLabels, bucketOf } from './anonymize/bucket.js';
export { DROP_REASONS } from './processor/drop-reasons.js';
export type { DropReason } from './processor/drop-reasons.js';
export { DropCounter } from './processor/drop-counter.js';
export { PrivacyProcessor } from './processor/privacy-processor.js';
export { attributesKey, mergeDataPoints } from './processor/merge-points.js';
export { createPrivacyViews } from './view/privacy-views.js';
export { PrivacyExporter } from './export/privacy-exporter.js';
export { loadOrCreateInstallSecret, rotateInstallSecret, SECRET_BYTES } from './secret/install-secret.js';
export type { InstallSecret, InstallSecretOptions } from './secret/install-secret.js';
export { buildResource } from './resource/build-resource.js';
export type { ResourceOptions } from './resource/build-resource.js';
export { createPrivacy } from './create-privacy.js';
export type { Privacy, PrivacyOptions } from './create-privacy.js';
export { PERSONAL_DATA_CANARIES, needleForms } from './testing/canaries.js';
export { CollectingReader } from './testing/collecting-reader.js';
export { buildManifest } from './manifest/manifest.js';
export type { Manifest, ManifestAttribute, ManifestMetric } from './manifest/manifest.js';
export { diffManifests } from './manifest/diff.js';
export type { AttributeChange, ManifestDiff } from './manifest/diff.js';
export { recordLevel, reportCriticalError } from './app/report.js';
export type { CriticalError } from './app/report.js';
