import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The reason this receiver exists is that the stock host-metrics packages fork a shell per collection.
 * Checking the sources' imports keeps it that way; spying on child_process is unreliable under ESM.
 */
describe('hostmetrics sources', () => {
  it('import nothing that can spawn a process', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const sources = (await readdir(here)).filter((f) => f.endsWith('.ts') && !f.includes('.test.'));
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const file of sources) {
      const text = await readFile(join(here, file), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const specifier of imports)
        expect(
          ['node:fs', 'node:path', '@opentelemetry/api'].includes(specifier ?? '') || specifier?.startsWith('.'),
          `${file}: ${specifier}`,
        ).toBe(true);
      expect(text).not.toMatch(/child_process|systeminformation|@opentelemetry\/host-metrics|\bspawn\(/);
    }
  });
});
