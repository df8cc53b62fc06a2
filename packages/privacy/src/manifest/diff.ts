import type { Treatment } from '../policy/types.js';
import type { Manifest, ManifestAttribute } from './manifest.js';

export interface AttributeChange {
  metric: string;
  key: string;
  from: Treatment | 'absent';
  to: Treatment | 'absent';
}

export interface ManifestDiff {
  addedMetrics: string[];
  removedMetrics: string[];
  changedAttributes: AttributeChange[];
  /** True when `to` reveals anything `from` did not: consent given for `from` does not cover `to`. */
  widens: boolean;
}

/** How much a treatment reveals; a higher number reveals more. */
const REVEALS: Record<Treatment | 'absent', number> = { absent: 0, drop: 0, hash: 1, bucket: 1, keep: 2 };

function byKey(attributes: readonly ManifestAttribute[]): Map<string, ManifestAttribute> {
  return new Map(attributes.map((a) => [a.key, a]));
}

function valuesWiden(from: ManifestAttribute | undefined, to: ManifestAttribute | undefined): boolean {
  if (!from || !to || from.treatment !== 'keep' || to.treatment !== 'keep') return false;
  if (!from.values) return false;
  if (!to.values) return true;
  const allowed = new Set(from.values);
  return to.values.some((v) => !allowed.has(v));
}

export function diffManifests(from: Manifest, to: Manifest): ManifestDiff {
  const fromMetrics = new Map(from.metrics.map((m) => [m.name, m]));
  const toMetrics = new Map(to.metrics.map((m) => [m.name, m]));
  const addedMetrics = [...toMetrics.keys()].filter((n) => !fromMetrics.has(n));
  const removedMetrics = [...fromMetrics.keys()].filter((n) => !toMetrics.has(n));
  const changedAttributes: AttributeChange[] = [];
  let widens = addedMetrics.length > 0;

  const compare = (metric: string, a: readonly ManifestAttribute[], b: readonly ManifestAttribute[]): void => {
    const left = byKey(a);
    const right = byKey(b);
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const x = left.get(key);
      const y = right.get(key);
      const fromT = x?.treatment ?? 'absent';
      const toT = y?.treatment ?? 'absent';
      const valuesWider = valuesWiden(x, y);
      if (fromT !== toT || valuesWider) changedAttributes.push({ metric, key, from: fromT, to: toT });
      if (REVEALS[toT] > REVEALS[fromT] || (fromT !== toT && REVEALS[toT] === REVEALS[fromT] && toT !== 'drop')) {
        widens = true;
      }
      if (valuesWider) widens = true;
    }
  };
  for (const [name, metric] of toMetrics) {
    const before = fromMetrics.get(name);
    if (before) compare(name, before.attributes, metric.attributes);
  }
  compare('(resource)', from.resource, to.resource);
  return { addedMetrics, removedMetrics, changedAttributes, widens };
}
