import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

const TABLE = {
  header: ['Metric', 'Values'],
  rows: [
    ['`system.cpu.time`', '`user`, `nice`'],
    ['`a|b`', ''],
    ['x', 'a much longer cell than the header'],
  ],
};

describe('renderTable', () => {
  it('pads markdown exactly as Prettier does, so generated docs survive `prettier --write`', async () => {
    const markdown = renderTable(TABLE, 'markdown') + '\n';
    expect(await format(markdown, { parser: 'markdown', printWidth: 120 })).toBe(markdown);
    expect(markdown).toContain('`a\\|b`');
  });

  it('prints text tables as aligned columns with no trailing spaces', () => {
    const lines = renderTable(TABLE, 'text').split('\n');
    expect(lines[0]).toBe('Metric             Values');
    expect(lines[2]).toBe('`a|b`');
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });
});
