import type { ConfigIssue } from './types.js';

/**
 * Compiler-style lines, one per issue, with the hint indented below:
 *
 *     pipelines/local.yaml:7:5: telemetry.retention.helth: unknown key; did you mean "health"?
 *       hint: …
 *
 * `severity: 'warning'` marks each line as a warning, as compilers do.
 */
export function formatConfigIssues(
  issues: readonly ConfigIssue[],
  options: { severity?: 'error' | 'warning' } = {},
): string {
  return issues.map((issue) => formatConfigIssue(issue, options.severity)).join('\n');
}

function formatConfigIssue(issue: ConfigIssue, severity: 'error' | 'warning' | undefined): string {
  let where = issue.source;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const parts = [where];
  if (severity === 'warning') parts.push('warning');
  if (issue.path !== '') parts.push(issue.path);
  let line = `${parts.join(': ')}: ${issue.message}`;
  if (issue.code !== undefined) line += ` [${issue.code}]`;
  return issue.hint === undefined ? line : `${line}\n  hint: ${issue.hint}`;
}
