import type { AttributeChange, Manifest, ManifestDiff, Treatment } from '@prism-telemetry/privacy';
import { TREATMENT_WORDS } from './manifest-tables.js';
import { code, renderTable, type Table, type TableFormat } from './table.js';

const WORDS: Readonly<Record<Treatment | 'absent', string>> = { ...TREATMENT_WORDS, absent: 'absent' };

function changeRow(change: AttributeChange, format: TableFormat): string[] {
  const from = WORDS[change.from];
  // diffManifests reports a kept attribute whose allowed values grew with the same treatment on both sides.
  const to = change.from === change.to ? `${WORDS[change.to]}, more values` : WORDS[change.to];
  return ['attribute', code(change.metric, format), code(change.key, format), from, to];
}

/** An added metric's attributes are not attribute changes, but what they reveal is part of what is added. */
function collectedWith(name: string, to: Manifest, format: TableFormat): string {
  const kept = (to.metrics.find((m) => m.name === name)?.attributes ?? []).filter((a) => a.treatment !== 'drop');
  if (kept.length === 0) return 'collected';
  return `collected, with ${kept.map((a) => `${code(a.key, format)} ${WORDS[a.treatment]}`).join(', ')}`;
}

export function diffTable(diff: ManifestDiff, to: Manifest, format: TableFormat): Table {
  return {
    header: ['Change', 'Metric', 'Attribute', 'Before', 'After'],
    rows: [
      ...diff.addedMetrics.map((name) => [
        'metric added',
        code(name, format),
        '',
        'absent',
        collectedWith(name, to, format),
      ]),
      ...diff.removedMetrics.map((name) => ['metric removed', code(name, format), '', 'collected', 'absent']),
      ...diff.changedAttributes.map((change) => changeRow(change, format)),
    ],
  };
}

/** One sentence on consent, the thing a user deciding between two levels needs to know. */
export function describeWidening(diff: ManifestDiff, from: Manifest, to: Manifest, format: TableFormat): string {
  const a = code(from.level, format);
  const b = code(to.level, format);
  return diff.widens
    ? `${a} -> ${b} widens what is collected: sharing at ${b} needs new consent, and sharing pauses until it is given.`
    : `${a} -> ${b} does not widen what is collected: consent given for ${a} covers ${b}.`;
}

export function renderDiff(diff: ManifestDiff, from: Manifest, to: Manifest, format: TableFormat): string {
  const table = diffTable(diff, to, format);
  const body = table.rows.length === 0 ? 'No differences.' : renderTable(table, format);
  return `${describeWidening(diff, from, to, format)}\n\n${body}`;
}
