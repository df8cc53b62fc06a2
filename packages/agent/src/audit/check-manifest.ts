import { isPrivacyLevel, type PrivacyLevel } from '@prism-telemetry/privacy';
import type { ReportFinding } from './finding.js';
import type { IndexedAttribute, IndexedManifest } from './manifest-index.js';
import { safeName } from './safe-name.js';

const PSEUDONYM = /^anon:[0-9a-f]{32}$/;
const POINT_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

type Json = Record<string, unknown>;

const objects = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)) : [];

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

function stringValueOf(attribute: Json): string | undefined {
  const value = asObject(attribute['value'])?.['stringValue'];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Checks one stored OTLP request against the manifest of the level recorded in its resource
 * (`prism.privacy_level`): every metric and attribute must be listed there, attributes the level drops must
 * be absent, hashed ones must be pseudonyms, fixed-value ones must hold an allowed value.
 */
export function checkRequestAgainstManifest(
  request: Json,
  manifests: ReadonlyMap<PrivacyLevel, IndexedManifest>,
  fileCategory: string | undefined,
  report: ReportFinding,
): void {
  objects(request['resourceMetrics']).forEach((resourceMetrics, r) => {
    const where = `resourceMetrics[${r}]`;
    const resourceAttributes = objects(asObject(resourceMetrics['resource'])?.['attributes']);
    const levelAttribute = resourceAttributes.find((a) => a['key'] === 'prism.privacy_level');
    if (levelAttribute === undefined) {
      report('privacy_level_missing', `${where}: the resource has no prism.privacy_level, so no manifest applies`);
      return;
    }
    const level = stringValueOf(levelAttribute);
    const manifest = isPrivacyLevel(level) ? manifests.get(level) : undefined;
    if (manifest === undefined) {
      report('privacy_level_unknown', `${where}: prism.privacy_level is not one of minimal, standard, detailed`);
      return;
    }
    checkAttributes(resourceAttributes, manifest.resource, `${where}.resource`, 'resource attribute', manifest, report);
    objects(resourceMetrics['scopeMetrics']).forEach((scopeMetrics, s) => {
      const scopeWhere = `${where}.scopeMetrics[${s}]`;
      const scopeAttributes = objects(asObject(scopeMetrics['scope'])?.['attributes']);
      checkAttributes(scopeAttributes, new Map(), `${scopeWhere}.scope`, 'scope attribute', manifest, report);
      objects(scopeMetrics['metrics']).forEach((metric, m) => {
        checkMetric(metric, manifest, fileCategory, `${scopeWhere}.metrics[${m}]`, report);
      });
    });
  });
}

function checkMetric(
  metric: Json,
  manifest: IndexedManifest,
  fileCategory: string | undefined,
  where: string,
  report: ReportFinding,
): void {
  const name = metric['name'];
  const listed = typeof name === 'string' ? manifest.metrics.get(name) : undefined;
  if (listed === undefined) {
    report('metric_not_in_manifest', `${where}: metric ${safeName(name)} is not in the ${manifest.level} manifest`);
    return;
  }
  if (fileCategory !== undefined && listed.category !== fileCategory) {
    report(
      'metric_wrong_category',
      `${where}: metric ${safeName(name)} belongs to category ${listed.category}, stored under ${fileCategory}`,
    );
  }
  for (const kind of POINT_KINDS) {
    objects(asObject(metric[kind])?.['dataPoints']).forEach((point, p) => {
      const pointWhere = `${where}.${kind}.dataPoints[${p}]`;
      const label = `attribute of ${name as string}`;
      checkAttributes(objects(point['attributes']), listed.attributes, pointWhere, label, manifest, report);
    });
  }
}

function checkAttributes(
  attributes: Json[],
  rules: ReadonlyMap<string, IndexedAttribute>,
  where: string,
  label: string,
  manifest: IndexedManifest,
  report: ReportFinding,
): void {
  for (const attribute of attributes) {
    const key = attribute['key'];
    const rule = typeof key === 'string' ? rules.get(key) : undefined;
    if (rule === undefined) {
      report(
        'attribute_not_in_manifest',
        `${where}: ${label} ${safeName(key)} is not in the ${manifest.level} manifest`,
      );
      continue;
    }
    const value = stringValueOf(attribute);
    // A key the manifest lists comes from the policy, so it is safe to print as it is.
    const name = key as string;
    if (rule.treatment === 'drop') {
      report('attribute_should_be_dropped', `${where}: ${label} ${name} is dropped at level ${manifest.level}`);
    } else if (rule.treatment === 'hash' && (value === undefined || !PSEUDONYM.test(value))) {
      report('attribute_not_hashed', `${where}: ${label} ${name} must be a pseudonym (anon:<32 hex>)`);
    } else if (rule.allowed !== undefined && (value === undefined || !rule.allowed.has(value))) {
      report('attribute_value_not_allowed', `${where}: ${label} ${name} has a value outside its allowed values`);
    }
  }
}
