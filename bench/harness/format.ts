import type { BenchResult, GoalResult, Table } from './types.js';

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

export function formatTable(table: Table): string {
  const cells = [table.columns, ...table.rows].map((row) => row.map(String));
  const widths = table.columns.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  // First column (the label) left-aligned, figures right-aligned.
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  return unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(unit === '%' ? 3 : 1)} ${unit}`;
}

function formatSigned(value: number, unit: string): string {
  return (value >= 0 ? '+' : '') + formatNumber(value, unit);
}

export function formatGoal(goal: GoalResult): string {
  const show = goal.kind === 'ratio' ? formatNumber : formatSigned;
  const verdict = goal.pass ? 'PASS' : 'MISS';
  return `${goal.kind.toUpperCase()} ${goal.label} = ${show(goal.value, goal.unit)}   goal ${goal.comparison} ${show(goal.target, goal.unit)}   ${verdict}`;
}

export function formatResult(result: BenchResult): string {
  return [
    `== ${result.name}: ${result.title}`,
    `   ${result.method}`,
    '',
    formatTable(result.table),
    '',
    ...result.ratios.map((r) => `RATIO ${r.label} = ${formatNumber(r.value, 'x')}   (no goal)`),
    ...result.goals.map(formatGoal),
    ...result.notes.map((note) => `note: ${note}`),
    '',
  ].join('\n');
}
