import {
  bucketLabels,
  type Category,
  type Manifest,
  type ManifestAttribute,
  type Treatment,
} from '@prism-telemetry/privacy';
import { code, type Table, type TableFormat } from './table.js';

const DAY_MILLIS = 86_400_000;

/** Retention in whole days where it is whole (`30 days`), else to two decimals (`0.5 days`). */
export function formatDays(days: number): string {
  const rounded = Math.round(days * 100) / 100;
  return `${rounded} ${rounded === 1 ? 'day' : 'days'}`;
}

export function retentionDaysOf(retentionMillis: Readonly<Record<Category, number>>): Record<Category, number> {
  const out = {} as Record<Category, number>;
  for (const [category, millis] of Object.entries(retentionMillis) as [Category, number][]) {
    out[category] = millis / DAY_MILLIS;
  }
  return out;
}

export const TREATMENT_WORDS: Readonly<Record<Treatment, string>> = {
  keep: 'kept',
  hash: 'hashed',
  bucket: 'bucketed',
  drop: 'dropped',
};

/** The values an attribute can carry once the policy has treated it. */
export function allowedValues(attribute: ManifestAttribute, format: TableFormat): string {
  const list = (values: readonly string[]): string => values.map((v) => code(v, format)).join(', ');
  switch (attribute.treatment) {
    case 'keep':
      return attribute.values ? list(attribute.values) : 'free-form; dropped if it looks like personal data';
    case 'hash':
      return code('anon:<32 hex>', format);
    case 'bucket':
      return list(bucketLabels(attribute.buckets ?? []));
    case 'drop':
      return 'none: removed before aggregation';
  }
}

export function metricsTable(
  manifest: Manifest,
  format: TableFormat,
  retentionDays?: Readonly<Record<Category, number>>,
): Table {
  const withRetention = retentionDays !== undefined;
  return {
    header: ['Metric', 'Unit', 'Category', ...(withRetention ? ['Retention'] : []), 'Description'],
    rows: manifest.metrics.map((m) => [
      code(m.name, format),
      code(m.unit, format),
      m.category,
      ...(withRetention ? [formatDays(retentionDays[m.category])] : []),
      m.description,
    ]),
  };
}

/** Every attribute a metric's policy names, dropped ones included: users see what is removed too. */
export function attributesTable(manifest: Manifest, format: TableFormat): Table {
  return {
    header: ['Metric', 'Attribute', 'Treatment', 'Meaning', 'Values'],
    rows: manifest.metrics.flatMap((m) =>
      m.attributes.map((a) => [
        code(m.name, format),
        code(a.key, format),
        TREATMENT_WORDS[a.treatment],
        a.description,
        allowedValues(a, format),
      ]),
    ),
  };
}

export function resourceTable(manifest: Manifest, format: TableFormat): Table {
  return {
    header: ['Resource attribute', 'Treatment', 'Meaning', 'Values'],
    rows: manifest.resource.map((a) => [
      code(a.key, format),
      TREATMENT_WORDS[a.treatment],
      a.description,
      allowedValues(a, format),
    ]),
  };
}
