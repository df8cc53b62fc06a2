import type { Document, LineCounter } from 'yaml';
import { formatConfigPath, type PathIssue } from '../config/config-path.js';
import type { Env } from '../config/env-substitution.js';
import { locate } from '../config/locate.js';
import type { ConfigIssue } from '../config/types.js';
import { ignoredKeyWarnings } from './ignored-keys.js';
import { parseOtelFile } from './parse-otel-file.js';
import { readerSettings } from './reader-settings.js';
import type { OtelConfigResult } from './types.js';

/**
 * Reads an OpenTelemetry declarative config file (`--otel-config`): parsed and validated by
 * `@opentelemetry/configuration`, then read for the exporters of `meter_provider.readers`. Keys that
 * would widen collection are ignored with a warning. Never throws; nothing is built or opened yet
 * (`buildOtelReaders` does that).
 */
export async function loadOtelConfig(file: string, env: Env): Promise<OtelConfigResult> {
  const parsed = await parseOtelFile(file, env);
  if (!parsed.ok) return parsed;
  const place = (issues: PathIssue[], error: boolean): ConfigIssue[] =>
    issues.map((issue) => placeIssue(issue, file, parsed.doc, parsed.lineCounter, error));
  const readers = readerSettings(parsed.model);
  const warnings = place([...ignoredKeyWarnings(parsed.model), ...readers.warnings], false);
  if (readers.errors.length > 0) return { ok: false, errors: place(readers.errors, true) };
  return { ok: true, config: { source: file, readers: readers.readers, prometheus: readers.prometheus }, warnings };
}

function placeIssue(
  issue: PathIssue,
  source: string,
  doc: Document,
  lineCounter: LineCounter,
  error: boolean,
): ConfigIssue {
  return {
    path: formatConfigPath(issue.path),
    ...(issue.path.length > 0 ? (locate(doc, lineCounter, issue.path, issue.at) ?? {}) : {}),
    message: issue.message,
    ...(issue.hint === undefined ? {} : { hint: issue.hint }),
    source,
    ...(error ? { code: 'PT_ERR_OTEL_CONFIG' as const } : {}),
  };
}
