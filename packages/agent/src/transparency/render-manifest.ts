import type { Category, Manifest } from '@prism-telemetry/privacy';
import { attributesTable, metricsTable, resourceTable } from './manifest-tables.js';
import { code, renderTable, type Table, type TableFormat } from './table.js';

export interface RenderManifestOptions {
  format: TableFormat;
  /** Adds a retention column; `show` passes the config's, the docs the defaults. */
  retentionDays?: Readonly<Record<Category, number>>;
}

function section(title: string, table: Table, format: TableFormat): string {
  if (format === 'markdown') return `**${title}**\n\n${renderTable(table, format)}`;
  const indented = renderTable(table, format)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${title}\n${indented}`;
}

/**
 * The manifest as `show` prints it and docs/PRIVACY.md embeds it: the same tables from the same code, so the
 * documentation cannot describe something other than what the command shows.
 */
export function renderManifest(manifest: Manifest, options: RenderManifestOptions): string {
  const { format } = options;
  const metrics = metricsTable(manifest, format, options.retentionDays);
  const attributes = attributesTable(manifest, format);
  const parts = [
    `Privacy level ${code(manifest.level, format)}, policy version ${code(manifest.policyVersion, format)}, ` +
      `manifest hash ${code(manifest.hash, format)}.`,
    section(`Metrics (${metrics.rows.length})`, metrics, format),
    section(`Attributes (${attributes.rows.length})`, attributes, format),
    section('Resource attributes (on every record)', resourceTable(manifest, format), format),
  ];
  return parts.join('\n\n');
}

export function renderNeverCollected(manifest: Manifest, format: TableFormat): string {
  const items = manifest.neverCollected.map((item) => (format === 'markdown' ? `- ${item}` : `  - ${item}`));
  return format === 'markdown' ? items.join('\n') : `Never collected\n${items.join('\n')}`;
}
