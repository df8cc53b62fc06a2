import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repairTornTails } from './repair.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'prism-repair-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function put(relative: string, content: string | Buffer): Promise<string> {
  const file = path.join(dataDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

describe('repairTornTails', () => {
  it('cuts a torn last line and reports it by relative name', async () => {
    const torn = await put('metrics/health/2026-11-22.jsonl', '{"a":1}\n{"b":2}\n{"c":');
    const whole = await put('metrics/level/2026-11-22.jsonl', '{"a":1}\n');
    expect(await repairTornTails(dataDir)).toEqual([{ file: 'metrics/health/2026-11-22.jsonl', bytesRemoved: 5 }]);
    expect(await readFile(torn, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(await readFile(whole, 'utf8')).toBe('{"a":1}\n');
    expect(await repairTornTails(dataDir)).toEqual([]);
  });

  it('empties a file that has no newline at all', async () => {
    const file = await put('metrics/errors/2026-11-21.jsonl', '{"partial":');
    expect(await repairTornTails(dataDir)).toEqual([{ file: 'metrics/errors/2026-11-21.jsonl', bytesRemoved: 11 }]);
    expect((await stat(file)).size).toBe(0);
  });

  it('scans back past a torn tail longer than one read chunk', async () => {
    const tail = 'x'.repeat(2.5 * 1024 * 1024);
    const file = await put('metrics/health/2026-11-20.jsonl', `{"ok":true}\n${tail}`);
    expect(await repairTornTails(dataDir)).toEqual([
      { file: 'metrics/health/2026-11-20.jsonl', bytesRemoved: tail.length },
    ]);
    expect(await readFile(file, 'utf8')).toBe('{"ok":true}\n');
  });

  it('leaves empty files, other files and a missing metrics directory alone', async () => {
    expect(await repairTornTails(dataDir)).toEqual([]);
    await put('metrics/health/2026-11-19.jsonl', '');
    const notes = await put('metrics/health/notes.txt', 'no newline');
    expect(await repairTornTails(dataDir)).toEqual([]);
    expect(await readFile(notes, 'utf8')).toBe('no newline');
  });
});
