import { describe, expect, it } from 'vitest';
import { httpUrl } from './url-schema.js';

function issuesOf(schema: ReturnType<typeof httpUrl>, input: string) {
  const result = schema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ message: i.message, params: 'params' in i ? i.params : undefined }));
}

describe('httpUrl', () => {
  const checked: string[] = [];
  const schema = httpUrl({
    exampleHint: 'write e.g. http://127.0.0.1/',
    credentialsHint: 'use a header',
    check: (url) => void checked.push(url.protocol),
  });

  it('accepts http and https URLs and runs the extra check on them only', () => {
    expect(issuesOf(schema, 'https://example.test/x')).toEqual([]);
    expect(issuesOf(schema, 'ftp://example.test/')).toEqual([{ message: 'must be an http or https URL' }]);
    expect(checked).toEqual(['https:']);
  });

  it('gives the example for text that is not a URL, and never echoes the text', () => {
    const issues = issuesOf(schema, 'not a url s3cret');
    expect(issues).toEqual([{ message: 'is not a URL', params: { hint: 'write e.g. http://127.0.0.1/' } }]);
    expect(JSON.stringify(issues)).not.toContain('s3cret');
  });

  it('refuses credentials, with the hint only when one is given', () => {
    expect(issuesOf(schema, 'http://user:s3cret@127.0.0.1/')).toEqual([
      { message: 'must not contain credentials', params: { hint: 'use a header' } },
    ]);
    expect(issuesOf(httpUrl({ exampleHint: 'e.g.' }), 'http://user@127.0.0.1/')).toEqual([
      { message: 'must not contain credentials' },
    ]);
  });
});
