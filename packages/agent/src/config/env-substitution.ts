import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document } from 'yaml';

/**
 * `${NAME}`, `${NAME:-default}` (default used when NAME is unset or empty, as in the shell) and `$$` for a literal
 * `$`, in string values only (never in keys). `${env:NAME}`, the Collector's spelling, means the same.
 * The environment is passed in, never read from `process.env` here, so tests and callers decide what is visible.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface SubstitutionError {
  /** Offset of the offending `$` in the input string. */
  offset: number;
  message: string;
  hint?: string;
}

export type SubstitutionResult =
  | {
      ok: true;
      text: string;
      /** The input is exactly one `${...}` reference and nothing else. */ wholeReference: boolean;
    }
  | { ok: false; errors: SubstitutionError[] };

const REFERENCE_SYNTAX_HINT = 'write ${NAME} or ${NAME:-default}; write $$ for a literal $';

export function substituteString(input: string, env: Env): SubstitutionResult {
  const errors: SubstitutionError[] = [];
  let text = '';
  let references = 0;
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar < 0) {
      text += input.slice(i);
      break;
    }
    text += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      text += '$';
      i = dollar + 2;
      continue;
    }
    if (next !== '{') {
      text += '$';
      i = dollar + 1;
      continue;
    }
    const close = input.indexOf('}', dollar + 2);
    if (close < 0) {
      errors.push({ offset: dollar, message: '"${" has no closing "}"', hint: REFERENCE_SYNTAX_HINT });
      break;
    }
    references++;
    const resolved = resolveReference(input.slice(dollar + 2, close), env);
    if (typeof resolved === 'string') text += resolved;
    else errors.push({ offset: dollar, ...resolved });
    i = close + 1;
  }
  if (errors.length > 0) return { ok: false, errors };
  const wholeReference = references === 1 && input.startsWith('${') && input.indexOf('}') === input.length - 1;
  return { ok: true, text, wholeReference };
}

/** The value of the reference `${inner}`, or what is wrong with it. Variable names are safe to echo; values are not. */
function resolveReference(inner: string, env: Env): string | Omit<SubstitutionError, 'offset'> {
  const match = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(inner);
  if (!match) {
    const name = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)/.exec(inner)?.[1];
    if (name !== undefined) {
      return { message: `unsupported syntax after \${${name}`, hint: `write \${${name}} or \${${name}:-default}` };
    }
    if (inner === '' || inner === 'env:')
      return { message: 'empty variable reference "${}"', hint: REFERENCE_SYNTAX_HINT };
    return {
      message: 'invalid variable name in "${...}"',
      hint: 'names are letters, digits and _, and do not start with a digit; ' + REFERENCE_SYNTAX_HINT,
    };
  }
  const name = match[1] ?? '';
  const fallback = match[2];
  if (fallback?.includes('${')) {
    return {
      message: `nested references are not supported in the default of \${${name}}`,
      hint: 'write the default literally',
    };
  }
  const value = env[name];
  if (value !== undefined && (value !== '' || fallback === undefined)) return value;
  if (fallback !== undefined) return fallback;
  return { message: `\${${name}} is not set; set it or write \${${name}:-default}` };
}

/**
 * A plain (unquoted) scalar that is exactly one reference takes the type its text has in YAML, so
 * `enabled: ${SHARE:-false}` is a boolean and `${N:-5}` a number. Only booleans, numbers and null are taken:
 * any other text stays exactly as substituted (no quote stripping, nothing after a `#` lost). Quote the scalar
 * (`"${TOKEN}"`) to keep it a string. An empty result stays the empty string.
 */
export function typedScalar(text: string): unknown {
  if (text.trim() === '') return text;
  const doc = parseDocument(text, { schema: 'core' });
  const contents = doc.contents;
  if (doc.errors.length > 0 || doc.warnings.length > 0 || !isScalar(contents)) return text;
  if (contents.comment || doc.comment) return text;
  const value = contents.value;
  return value === null || typeof value === 'boolean' || typeof value === 'number' ? value : text;
}

export interface DocumentSubstitutionError extends SubstitutionError {
  path: (string | number)[];
  node: Scalar;
}

/**
 * Substitutes in every string scalar of `doc`, in place, keeping each node's source range so errors found later
 * still point at the right line. Returns every error; scalars with errors are left as written.
 */
export function substituteEnvInDocument(
  doc: Document,
  env: Env,
): { errors: DocumentSubstitutionError[]; substitutedPaths: (string | number)[][] } {
  const errors: DocumentSubstitutionError[] = [];
  const substitutedPaths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, keyOf(pair.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const result = substituteString(node.value, env);
      if (!result.ok) {
        for (const error of result.errors) errors.push({ ...error, path, node });
        return;
      }
      if (result.text !== node.value) substitutedPaths.push(path);
      node.value = result.wholeReference && node.type === Scalar.PLAIN ? typedScalar(result.text) : result.text;
    }
    // An alias needs nothing: its anchor is substituted where it is defined.
  };
  walk(doc.contents, []);
  return { errors, substitutedPaths };
}

/** The key as `toJS()` would name it, so paths built here match paths built from the plain object. */
export function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}
