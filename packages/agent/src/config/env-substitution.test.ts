import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { substituteEnvInDocument, substituteString, typedScalar } from './env-substitution.js';

describe('substituteString', () => {
  const env = { HOST: 'collector.example', EMPTY: '', PORT: '4318' };

  it('replaces ${VAR}, ${env:VAR} and ${VAR:-default}', () => {
    expect(substituteString('https://${HOST}:${PORT}/v1', env)).toEqual({
      ok: true,
      text: 'https://collector.example:4318/v1',
      wholeReference: false,
    });
    expect(substituteString('${env:HOST}', env)).toEqual({ ok: true, text: 'collector.example', wholeReference: true });
    expect(substituteString('${MISSING:-fallback}', env)).toMatchObject({ ok: true, text: 'fallback' });
    expect(substituteString('${MISSING:-}', env)).toMatchObject({ ok: true, text: '' });
  });

  it('uses the default when the variable is empty, as the shell does, and the empty value when there is none', () => {
    expect(substituteString('${EMPTY:-fallback}', env)).toMatchObject({ ok: true, text: 'fallback' });
    expect(substituteString('${EMPTY}', env)).toMatchObject({ ok: true, text: '' });
  });

  it('keeps the default literally, including characters YAML would care about', () => {
    expect(substituteString('${MISSING:-a:b # c}', env)).toMatchObject({ ok: true, text: 'a:b # c' });
  });

  it('reads $$ as a literal $ and leaves a lone $ alone', () => {
    expect(substituteString('cost $$5 and $${HOST}', env)).toEqual({
      ok: true,
      text: 'cost $5 and ${HOST}',
      wholeReference: false,
    });
    expect(substituteString('US$ 5', env)).toMatchObject({ ok: true, text: 'US$ 5' });
  });

  it('reports an unset variable with the fix', () => {
    expect(substituteString('Bearer ${TOKEN}', env)).toEqual({
      ok: false,
      errors: [{ offset: 7, message: '${TOKEN} is not set; set it or write ${TOKEN:-default}' }],
    });
  });

  it('reports malformed references, every one', () => {
    const result = substituteString('${1X} and ${} and ${A-b} and ${', env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.offset, e.message])).toEqual([
      [0, 'invalid variable name in "${...}"'],
      [10, 'empty variable reference "${}"'],
      [18, 'unsupported syntax after ${A'],
      [29, '"${" has no closing "}"'],
    ]);
  });

  it('rejects nested references in a default', () => {
    expect(substituteString('${A:-${B}}', env)).toMatchObject({
      ok: false,
      errors: [{ message: 'nested references are not supported in the default of ${A}' }],
    });
  });

  it('tells whether the input is exactly one reference', () => {
    expect(substituteString('${PORT}', env)).toMatchObject({ wholeReference: true });
    expect(substituteString('${PORT:-1}', env)).toMatchObject({ wholeReference: true });
    expect(substituteString('${PORT}${PORT}', env)).toMatchObject({ wholeReference: false });
    expect(substituteString(' ${PORT}', env)).toMatchObject({ wholeReference: false });
    expect(substituteString('$${PORT}', env)).toMatchObject({ wholeReference: false });
  });
});

describe('typedScalar', () => {
  it('takes booleans, numbers and null from the text, and keeps anything else exactly', () => {
    expect(typedScalar('false')).toBe(false);
    expect(typedScalar('true')).toBe(true);
    expect(typedScalar('5')).toBe(5);
    expect(typedScalar('1.5')).toBe(1.5);
    expect(typedScalar('null')).toBe(null);
    expect(typedScalar('')).toBe('');
    expect(typedScalar('yes')).toBe('yes');
    expect(typedScalar('"quoted"')).toBe('"quoted"');
    expect(typedScalar('abc # not a comment')).toBe('abc # not a comment');
    expect(typedScalar('5 # not a comment')).toBe('5 # not a comment');
    expect(typedScalar('{a: 1}')).toBe('{a: 1}');
    expect(typedScalar('- x')).toBe('- x');
  });
});

describe('substituteEnvInDocument', () => {
  function substitute(yaml: string, env: Record<string, string | undefined>) {
    const doc = parseDocument(yaml);
    const result = substituteEnvInDocument(doc, env);
    return { ...result, data: doc.toJS() as unknown };
  }

  it('re-parses a plain scalar that is exactly one reference, and keeps other strings as strings', () => {
    const { data, errors } = substitute(
      [
        'enabled: ${SHARE:-false}',
        'count: ${N:-5}',
        'quoted: "${N:-5}"',
        'mixed: ${N:-5}s',
        'dir: ${DIR:-}',
        'list:',
        '  - ${SHARE:-true}',
        '  - "${SHARE:-true}"',
        'text: ${WORD}',
      ].join('\n'),
      { WORD: 'hello' },
    );
    expect(errors).toEqual([]);
    expect(data).toEqual({
      enabled: false,
      count: 5,
      quoted: '5',
      mixed: '5s',
      dir: '',
      list: [true, 'true'],
      text: 'hello',
    });
  });

  it('never substitutes in keys', () => {
    expect(substitute('${KEY}: 1', { KEY: 'x' }).data).toEqual({ '${KEY}': 1 });
  });

  it('unescapes $$ in plain and quoted scalars', () => {
    expect(substitute('a: $${NOT}\nb: "$$$$"', {}).data).toEqual({ a: '${NOT}', b: '$$' });
  });

  it('reports every missing variable at its path and leaves the scalar as written', () => {
    const { data, errors } = substitute(
      'exporters:\n  otlphttp:\n    headers:\n      Authorization: Bearer ${TOKEN}\nlist: [a, "${B}"]',
      {},
    );
    expect(errors.map((e) => [e.path, e.offset, e.message])).toEqual([
      [
        ['exporters', 'otlphttp', 'headers', 'Authorization'],
        7,
        '${TOKEN} is not set; set it or write ${TOKEN:-default}',
      ],
      [['list', 1], 0, '${B} is not set; set it or write ${B:-default}'],
    ]);
    expect(data).toMatchObject({ list: ['a', '${B}'] });
  });

  it('records which paths took values from the environment', () => {
    expect(substitute('a: ${X}\nb: plain\nc: $$', { X: '1' }).substitutedPaths).toEqual([['a'], ['c']]);
  });
});
