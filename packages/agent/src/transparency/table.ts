/**
 * `markdown` tables are padded exactly the way Prettier pads them, so a generated block in docs/ survives
 * `prettier --write` unchanged and `generate-privacy-docs --check` does not fight the formatter.
 * `text` tables are the same columns for a terminal: two spaces between columns, no rules.
 */
export type TableFormat = 'markdown' | 'text';

export interface Table {
  header: readonly string[];
  rows: readonly (readonly string[])[];
}

/** Inline code in markdown, the bare text in a terminal. */
export function code(text: string, format: TableFormat): string {
  return format === 'markdown' ? `\`${text}\`` : text;
}

function escapeCell(cell: string, format: TableFormat): string {
  return format === 'markdown' ? cell.replace(/\|/g, '\\|') : cell;
}

function pad(cell: string, width: number): string {
  return cell + ' '.repeat(Math.max(width - cell.length, 0));
}

export function renderTable(table: Table, format: TableFormat): string {
  const rows = [table.header, ...table.rows].map((row) => row.map((cell) => escapeCell(cell, format)));
  const widths = table.header.map((_, column) =>
    Math.max(format === 'markdown' ? 3 : 1, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]): string => {
    const cells = widths.map((width, column) => pad(row[column] ?? '', width));
    return format === 'markdown' ? `| ${cells.join(' | ')} |` : cells.join('  ').trimEnd();
  };
  const [head, ...body] = rows;
  const rule = format === 'markdown' ? [`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`] : [];
  return [line(head ?? []), ...rule, ...body.map(line)].join('\n');
}
