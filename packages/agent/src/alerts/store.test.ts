import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from './rule.js';
import { alertsDir, appendAlertEvent, readAlertEvents } from './store.js';

const event = (at: string, state: AlertEvent['state'] = 'firing'): AlertEvent => ({
  at,
  alert: 'cpu_high',
  severity: 'warning',
  state,
  summary: 'CPU utilization is 0.95, above 0.9',
  series: {},
  value: 0.95,
});

describe('alert files', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prism-alerts-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('appends one line per event to the UTC day file, dir 0700 and file 0600', async () => {
    await appendAlertEvent(dataDir, event('2026-11-01T23:59:59.000Z'));
    await appendAlertEvent(dataDir, event('2026-11-02T00:00:01.000Z'));
    await appendAlertEvent(dataDir, event('2026-11-02T00:10:00.000Z', 'resolved'));
    const day2 = await readFile(path.join(alertsDir(dataDir), '2026-11-02.jsonl'), 'utf8');
    expect(day2.split('\n')).toHaveLength(3);
    expect((await stat(alertsDir(dataDir))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(alertsDir(dataDir), '2026-11-01.jsonl'))).mode & 0o777).toBe(0o600);
    const { events } = await readAlertEvents(dataDir);
    expect(events.map((e) => e.at)).toEqual([
      '2026-11-01T23:59:59.000Z',
      '2026-11-02T00:00:01.000Z',
      '2026-11-02T00:10:00.000Z',
    ]);
  });

  it('skips lines that are not events, and day files before `sinceMillis`', async () => {
    await appendAlertEvent(dataDir, event('2026-11-01T10:00:00.000Z'));
    await appendAlertEvent(dataDir, event('2026-11-03T10:00:00.000Z'));
    const file = path.join(alertsDir(dataDir), '2026-11-03.jsonl');
    await writeFile(file, `${await readFile(file, 'utf8')}{"at":"x"}\nnot json\n{"torn":`, { flag: 'w' });
    await writeFile(path.join(alertsDir(dataDir), 'notes.txt'), 'x');
    const all = await readAlertEvents(dataDir);
    expect(all.events).toHaveLength(2);
    expect(all.skippedLines).toBe(3);
    const recent = await readAlertEvents(dataDir, { sinceMillis: Date.parse('2026-11-02T12:00:00Z') });
    expect(recent.events.map((e) => e.at)).toEqual(['2026-11-03T10:00:00.000Z']);
  });

  it('cuts off a torn last line left by a crash before appending', async () => {
    await appendAlertEvent(dataDir, event('2026-11-05T10:00:00.000Z'));
    const file = path.join(alertsDir(dataDir), '2026-11-05.jsonl');
    await writeFile(file, '{"at":"2026-11-05T10:00:01', { flag: 'a' });
    await appendAlertEvent(dataDir, event('2026-11-05T10:00:02.000Z', 'resolved'));
    const { events, skippedLines } = await readAlertEvents(dataDir);
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);
    expect(skippedLines).toBe(0);
    await writeFile(file, 'no newline at all');
    await appendAlertEvent(dataDir, event('2026-11-05T10:00:03.000Z'));
    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(event('2026-11-05T10:00:03.000Z'))}\n`);
  });

  it('a data directory without alerts has no events', async () => {
    expect(await readAlertEvents(dataDir)).toEqual({ events: [], skippedLines: 0 });
  });
});
