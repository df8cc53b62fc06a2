import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import type { Category } from './category.js';
import { applyRetention, RetentionScheduler } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12); // 2026-11-22T12:00Z
const RETENTION: Record<Category, number> = { health: 7 * DAY, level: 30 * DAY, errors: 1 * DAY };
const NO_CAP = Number.MAX_SAFE_INTEGER;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'prism-retention-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function put(relative: string, bytes = 10): Promise<void> {
  const file = path.join(dataDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, 'x'.repeat(bytes));
}

async function remaining(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await readdir(path.join(dataDir, 'metrics'))) {
    for (const f of await readdir(path.join(dataDir, 'metrics', dir))) out.push(`${dir}/${f}`);
  }
  return out.sort();
}

describe('applyRetention', () => {
  it('removes a day once the end of that day is older than the category retention', async () => {
    await put('metrics/health/2026-11-14.jsonl'); // ends 11-15T00:00, cutoff 11-15T12:00: removed
    await put('metrics/health/2026-11-15.jsonl'); // ends 11-16T00:00: kept
    await put('metrics/errors/2026-11-20.jsonl', 7); // ends 11-21T00:00, cutoff 11-21T12:00: removed
    await put('metrics/errors/2026-11-21.jsonl');
    await put('metrics/level/2026-10-22.jsonl'); // ends 10-23T00:00, cutoff 10-23T12:00: removed
    await put('metrics/level/2026-10-23.jsonl');
    const result = await applyRetention({ dataDir, retentionMillis: RETENTION, maxTotalBytes: NO_CAP, nowMillis: NOW });
    expect(result.purges).toEqual([
      { file: 'metrics/errors/2026-11-20.jsonl', category: 'errors', reason: 'older_than_retention', bytes: 7 },
      { file: 'metrics/health/2026-11-14.jsonl', category: 'health', reason: 'older_than_retention', bytes: 10 },
      { file: 'metrics/level/2026-10-22.jsonl', category: 'level', reason: 'older_than_retention', bytes: 10 },
    ]);
    expect(result).toMatchObject({ totalBytes: 30, unresolved: false });
    expect(await remaining()).toEqual(['errors/2026-11-21.jsonl', 'health/2026-11-15.jsonl', 'level/2026-10-23.jsonl']);
  });

  it('never deletes files it did not name, but counts them', async () => {
    await put('metrics/health/notes.jsonl', 100);
    await put('metrics/health/2026-02-31.jsonl', 100);
    await put('metrics/health/2020-01-01.jsonl.bak', 100);
    await put('metrics/other/2020-01-01.jsonl', 100);
    const result = await applyRetention({ dataDir, retentionMillis: RETENTION, maxTotalBytes: 50, nowMillis: NOW });
    expect(result).toEqual({ purges: [], totalBytes: 300, unresolved: true });
    expect(await remaining()).toHaveLength(4);
  });

  it('over the size cap, removes the oldest days first (then by category) but never today', async () => {
    await put('metrics/level/2026-11-20.jsonl', 100);
    await put('metrics/health/2026-11-20.jsonl', 100);
    await put('metrics/errors/2026-11-21.jsonl', 100);
    await put('metrics/health/2026-11-22.jsonl', 100);
    const result = await applyRetention({ dataDir, retentionMillis: RETENTION, maxTotalBytes: 150, nowMillis: NOW });
    expect(result.purges.map((p) => [p.file, p.reason])).toEqual([
      ['metrics/health/2026-11-20.jsonl', 'over_total_size'],
      ['metrics/level/2026-11-20.jsonl', 'over_total_size'],
      ['metrics/errors/2026-11-21.jsonl', 'over_total_size'],
    ]);
    expect(result).toMatchObject({ totalBytes: 100, unresolved: false });

    const stillOver = await applyRetention({ dataDir, retentionMillis: RETENTION, maxTotalBytes: 50, nowMillis: NOW });
    expect(stillOver).toEqual({ purges: [], totalBytes: 100, unresolved: true });
    expect(await remaining()).toEqual(['health/2026-11-22.jsonl']);
  });

  it('does nothing when there is no metrics directory yet', async () => {
    expect(await applyRetention({ dataDir, retentionMillis: RETENTION, maxTotalBytes: 0, nowMillis: NOW })).toEqual({
      purges: [],
      totalBytes: 0,
      unresolved: false,
    });
  });
});

describe('RetentionScheduler', () => {
  it('runs at start and then every interval, logging each removal', async () => {
    const clock = new ManualClock(NOW);
    const logger = createMemoryLogger();
    await put('metrics/errors/2026-11-20.jsonl');
    await put('metrics/errors/2026-11-21.jsonl');
    const scheduler = new RetentionScheduler({
      clock,
      logger,
      dataDir,
      retentionMillis: RETENTION,
      maxTotalBytes: NO_CAP,
    });
    await scheduler.start();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(
      / info retention: removed file file=metrics\/errors\/2026-11-20.jsonl category=errors reason=older_than_retention bytes=10\n$/,
    );

    clock.advance(DAY);
    await vi.waitFor(() => expect(logger.lines).toHaveLength(2));
    expect(logger.lines[1]).toContain('file=metrics/errors/2026-11-21.jsonl');
    await scheduler.shutdown();
    await scheduler.shutdown();

    clock.advance(10 * DAY);
    expect(logger.lines).toHaveLength(2);
  });

  it('logs a failed run without a home path and keeps going', async () => {
    const logger = createMemoryLogger();
    await put('metrics/health/2026-11-01.jsonl');
    await writeFile(path.join(dataDir, 'blocker'), '');
    const scheduler = new RetentionScheduler({
      clock: new ManualClock(NOW),
      logger,
      dataDir: path.join(dataDir, 'blocker'),
      retentionMillis: RETENTION,
      maxTotalBytes: NO_CAP,
      homedir: dataDir,
    });
    await scheduler.start();
    expect(logger.lines).toEqual([
      expect.stringMatching(/ error retention: run failed error="cannot list metrics files in ~\/blocker: ENOTDIR"\n$/),
    ]);
    await scheduler.shutdown();
  });
});
