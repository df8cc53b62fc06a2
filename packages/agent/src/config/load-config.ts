import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { Env } from './env-substitution.js';
import { fromOffset } from './locate.js';
import type { ConfigResult } from './types.js';
import { validateConfigDocument } from './validate.js';

/** A config file is a page of YAML; anything this large is the wrong file. */
const MAX_CONFIG_BYTES = 1024 * 1024;

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'each key may appear once in a mapping; remove or merge the repeat',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'a config file holds one YAML document; remove the "---" separators',
  BAD_INDENT: 'check the indentation: keys of one mapping line up, nested keys are indented further',
};

/**
 * Parses and validates a config file's text. YAML syntax errors are reported alone (a broken tree would only
 * produce misleading follow-up errors); otherwise every substitution, schema and cross-reference error is.
 * `sourceName` names the file in issues; `env` is what `${VAR}` sees.
 */
export function parseConfigText(text: string, sourceName: string, env: Env): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length === 0) return validateConfigDocument({ doc, lineCounter, text, sourceName }, env);
  return {
    ok: false,
    errors: doc.errors.map((error) => {
      const hint = yamlHint(error, text);
      return {
        path: '',
        ...(fromOffset(lineCounter, error.pos[0]) ?? {}),
        message: error.message,
        ...(hint === undefined ? {} : { hint }),
        source: sourceName,
        code: 'PT_ERR_CONFIG_READ',
      };
    }),
  };
}

function yamlHint(error: YAMLError, text: string): string | undefined {
  // In [ ] and { }, YAML reads `{` and `}` as syntax, so `[${NAME}]` is a parse error, not a reference.
  const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const lineEnd = text.indexOf('\n', error.pos[0]);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  if (/(^|[^$])[[{][^#]*\$\{/.test(line)) return 'inside [ ] or { }, quote ${...} references, e.g. [file, "${NAME}"]';
  return YAML_HINTS[error.code];
}

/** Reads and validates a config file. Never throws: a file that cannot be read is a PT_ERR_CONFIG_READ issue. */
export async function loadConfigFile(path: string, env: Env): Promise<ConfigResult> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return readError(path, 'is a directory', 'pass the path of a YAML file');
    if (info.size > MAX_CONFIG_BYTES)
      return readError(path, 'is larger than 1 MiB', 'pass the path of a YAML config file');
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return readError(path, 'no such file', 'check the path; pipelines/local.yaml is a complete example');
    if (code === 'EACCES' || code === 'EPERM') {
      return readError(path, 'permission denied', 'make the file readable by the user running the agent');
    }
    return readError(path, `cannot be read (${code ?? 'unknown error'})`);
  }
  return parseConfigText(text, path, env);
}

function readError(source: string, message: string, hint?: string): ConfigResult {
  return {
    ok: false,
    errors: [{ path: '', message, ...(hint === undefined ? {} : { hint }), source, code: 'PT_ERR_CONFIG_READ' }],
  };
}
