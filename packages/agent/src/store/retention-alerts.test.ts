import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { applyRetention } from './retention.js';

it('alert files are kept like health data', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ret-'));
  await mkdir(path.join(dataDir, 'alerts'));
  for (const day of ['2026-09-01', '2026-10-30', '2026-11-20'])
    await writeFile(path.join(dataDir, 'alerts', `${day}.jsonl`), '{}\n');
  const result = await applyRetention({
    dataDir,
    retentionMillis: {
      health: 30 * 86_400_000,
      level: 90 * 86_400_000,
      errors: 7 * 86_400_000,
    },
    maxTotalBytes: 1e9,
    nowMillis: Date.UTC(2026, 10, 22),
  });
  expect(result.purges).toEqual([
    {
      file: 'alerts/2026-09-01.jsonl',
      category: 'health',
      reason: 'older_than_retention',
      bytes: 3,
    },
  ]);
  expect(await readdir(path.join(dataDir, 'alerts'))).toEqual(['2026-10-30.jsonl', '2026-11-20.jsonl']);
});
