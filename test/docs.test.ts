import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@prism-telemetry/agent';
import { REPO_ROOT } from './support/cli.js';

describe('docs match behaviour', () => {
  it('the README lists every error code', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
  });

  it('CI runs the README test command', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const ci = await readFile(path.join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toMatch(/^npm test$/m);
  });
});
