import { readFile, stat } from 'node:fs/promises';
import { parseConfigFile, type ConfigurationModel } from '@opentelemetry/configuration';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Env } from '../config/env-substitution.js';
import { fromOffset } from '../config/locate.js';
import type { ConfigIssue } from '../config/types.js';
import { errorCode } from '../store/fs-error.js';
import { schemaIssues } from './schema-issues.js';

/** A declarative config file is a page of YAML; anything this large is the wrong file. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface ParsedOtelFile {
  model: ConfigurationModel;
  /** The unsubstituted document: substitution changes values, never structure, so paths place issues. */
  doc: Document;
  lineCounter: LineCounter;
}

export type ParseOtelFileResult = ({ ok: true } & ParsedOtelFile) | { ok: false; errors: ConfigIssue[] };

/**
 * Reads a declarative config file and has `@opentelemetry/configuration` substitute `${VAR:-default}` and
 * validate it against the schema of its `file_format`. Never throws: every failure is an issue naming the file.
 */
export async function parseOtelFile(file: string, env: Env): Promise<ParseOtelFileResult> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return readError(file, 'is a directory', 'pass the path of a YAML file');
    if (info.size > MAX_FILE_BYTES) return readError(file, 'is larger than 1 MiB', 'pass the path of a YAML file');
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return readError(file, 'no such file', 'check the path; otel-config/ has examples');
    if (code === 'EACCES' || code === 'EPERM') {
      return readError(file, 'permission denied', 'make the file readable by the user running the agent');
    }
    return readError(file, `cannot be read (${code})`);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // The library would turn a broken document into a misleading schema error; report the YAML error itself.
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => ({
        path: '',
        ...(fromOffset(lineCounter, error.pos[0]) ?? {}),
        message: `not valid YAML: ${error.message}`,
        hint: 'indent with spaces; quote values that contain ": " or start with a special character',
        source: file,
        code: 'PT_ERR_OTEL_CONFIG',
      })),
    };
  }

  let model: ConfigurationModel;
  try {
    model = withProcessEnv(env, () => parseConfigFile(file));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: schemaIssues(message, { file, doc, lineCounter }) };
  }
  return { ok: true, model, doc, lineCounter };
}

/**
 * `parseConfigFile` reads `${VAR}` from `process.env` and takes no environment of its own, while the agent
 * decides what a file sees (tests, `validate`). The call is synchronous, so swapping `process.env` around it
 * cannot leak into any other code.
 */
function withProcessEnv<T>(env: Env, run: () => T): T {
  if (env === process.env) return run();
  const saved = process.env;
  const visible: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) visible[name] = value;
  process.env = visible;
  try {
    return run();
  } finally {
    process.env = saved;
  }
}

function readError(source: string, message: string, hint?: string): ParseOtelFileResult {
  return {
    ok: false,
    errors: [{ path: '', message, ...(hint === undefined ? {} : { hint }), source, code: 'PT_ERR_OTEL_CONFIG' }],
  };
}
