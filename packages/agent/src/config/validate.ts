import { Scalar, type Document, type LineCounter } from 'yaml';
import { formatConfigPath, startsWithPath, type ConfigPath, type PathIssue } from './config-path.js';
import { validateComponents } from './components.js';
import { checkCrossReferences } from './cross-references.js';
import { substituteEnvInDocument, type DocumentSubstitutionError, type Env } from './env-substitution.js';
import { fromOffset, locate } from './locate.js';
import { configFileSchema } from './schema.js';
import type { AgentConfig, ConfigIssue, ConfigResult } from './types.js';
import { fromZodIssues } from './zod-issues.js';

/** A parsed config file, free of YAML syntax errors. */
export interface ConfigDocument {
  doc: Document;
  lineCounter: LineCounter;
  /** The file's text, to place `${...}` errors at the exact column. */
  text: string;
  sourceName: string;
}

/**
 * Validates a parsed config file and reports every problem, each at its line and column: `${VAR}` substitution
 * and schema errors in file order, then cross-reference errors in file order. Substitutes in `doc` in place.
 */
export function validateConfigDocument({ doc, lineCounter, text, sourceName }: ConfigDocument, env: Env): ConfigResult {
  const place = (issue: PathIssue): ConfigIssue =>
    toConfigIssue(issue, sourceName, locate(doc, lineCounter, issue.path, issue.at));

  const yamlWarnings = doc.warnings.map((warning) => ({
    path: '',
    ...(fromOffset(lineCounter, warning.pos[0]) ?? {}),
    message: warning.message,
    source: sourceName,
  }));

  const substitution = substituteEnvInDocument(doc, env);
  const substitutionErrors = substitution.errors.map((error) =>
    toConfigIssue(
      {
        path: error.path,
        at: 'value',
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      },
      sourceName,
      fromOffset(lineCounter, referenceOffset(text, error)),
    ),
  );
  const reportedAt = substitution.errors.map((error) => error.path);
  const notYetReported = (issue: PathIssue): boolean => !reportedAt.some((path) => startsWithPath(issue.path, path));

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // yaml refuses documents whose aliases expand too far (a "billion laughs" file).
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: error instanceof Error ? error.message : String(error),
          source: sourceName,
          code: 'PT_ERR_CONFIG_READ',
        },
      ],
    };
  }
  if (data === null || data === undefined) {
    return {
      ok: false,
      errors: [
        { path: '', message: 'the file has no settings', hint: 'start from pipelines/local.yaml', source: sourceName },
      ],
    };
  }

  const substituted = substitution.substitutedPaths;
  const mayEcho = (path: ConfigPath): boolean => !substituted.some((p) => startsWithPath(path, p));
  const file = configFileSchema.safeParse(data);
  const schemaIssues = file.success
    ? []
    : fromZodIssues(file.error.issues, { schema: configFileSchema, input: data, prefix: [], mayEcho });
  const { components, issues: componentIssues } = validateComponents(data, mayEcho);
  const crossReferences = checkCrossReferences(data, components);

  const errors = [
    ...byPosition([...substitutionErrors, ...[...schemaIssues, ...componentIssues].filter(notYetReported).map(place)]),
    ...byPosition(crossReferences.errors.filter(notYetReported).map(place)),
  ];
  if (errors.length > 0 || !file.success) return { ok: false, errors };

  const config: AgentConfig = {
    source: sourceName,
    telemetry: file.data.telemetry,
    ...components,
    pipelines: Object.entries(file.data.service?.pipelines ?? {}).map(([id, pipeline]) => ({ id, ...pipeline })),
  };
  return { ok: true, config, warnings: [...yamlWarnings, ...byPosition(crossReferences.warnings.map(place))] };
}

function toConfigIssue(
  issue: PathIssue,
  source: string,
  position: { line: number; column: number } | undefined,
): ConfigIssue {
  return {
    path: formatConfigPath(issue.path),
    ...(position ?? {}),
    message: issue.message,
    ...(issue.hint === undefined ? {} : { hint: issue.hint }),
    source,
    ...(issue.code === undefined ? {} : { code: issue.code }),
  };
}

/** The offset of the bad `${` in the file when the scalar is written as is (no escapes); else the scalar's start. */
function referenceOffset(text: string, error: DocumentSubstitutionError): number | undefined {
  const node = error.node;
  const start = node.range?.[0];
  if (start === undefined) return undefined;
  const value = String(node.value);
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const valueStart = quoted ? start + 1 : start;
  const writtenAsIs =
    (quoted || node.type === Scalar.PLAIN) && text.slice(valueStart, valueStart + value.length) === value;
  return writtenAsIs ? valueStart + error.offset : start;
}

/** Stable: issues without a position keep their order, after those with one. */
function byPosition(issues: ConfigIssue[]): ConfigIssue[] {
  const line = (issue: ConfigIssue): number => issue.line ?? Number.MAX_SAFE_INTEGER;
  return [...issues].sort((a, b) => line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0));
}
