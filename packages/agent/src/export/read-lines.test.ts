import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from './read-lines.js';

async function fileWith(content: string | Buffer): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'prism-lines-')), 'f.jsonl');
  await writeFile(file, content);
  return file;
}

async function collect(file: string, maxLineBytes?: number): Promise<Array<[number, string | undefined]>> {
  const out: Array<[number, string | undefined]> = [];
  for await (const { line, text } of readLines(file, maxLineBytes === undefined ? {} : { maxLineBytes })) {
    out.push([line, text]);
  }
  return out;
}

describe('readLines', () => {
  it('numbers lines as an editor does, keeps empty ones, handles CRLF and a missing final newline', async () => {
    expect(await collect(await fileWith('a\n\r\nb\r\nc'))).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
      [4, 'c'],
    ]);
    expect(await collect(await fileWith(''))).toEqual([]);
  });

  it('reassembles lines across read chunks, multi-byte characters included', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'é'.repeat(i % 300)}`);
    const read = await collect(await fileWith(lines.join('\n') + '\n'));
    expect(read.map(([, text]) => text)).toEqual(lines);
  });

  it('skips a line longer than the limit without holding it, and carries on', async () => {
    const long = 'x'.repeat(700_000);
    expect(await collect(await fileWith(`ok\n${long}\nnext\n${long}`), 1000)).toEqual([
      [1, 'ok'],
      [2, undefined],
      [3, 'next'],
      [4, undefined],
    ]);
  });
});
