import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

interface AlertEventJson {
  at: string;
  alert: string;
  severity: string;
  state: string;
  summary: string;
  series: Record<string, string | number | boolean>;
  value: number | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function event(atMillis: number, alert: string, state: string, extra: Partial<AlertEventJson> = {}): AlertEventJson {
  return {
    at: new Date(atMillis).toISOString(),
    alert,
    severity: 'warning',
    state,
    summary: `${alert} summary`,
    series: {},
    value: 1,
    ...extra,
  };
}

/** Writes events into `<dataDir>/alerts/<UTC day>.jsonl` files, as the agent would. */
async function plant(dataDir: string, events: AlertEventJson[]): Promise<void> {
  const dir = path.join(dataDir, 'alerts');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const byDay = new Map<string, string[]>();
  for (const e of events) {
    const day = e.at.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(e)]);
  }
  for (const [day, lines] of byDay) {
    await writeFile(path.join(dir, `${day}.jsonl`), lines.join('\n') + '\n', { mode: 0o600 });
  }
}

describe('prism-telemetry alerts', () => {
  it('--json lists what is firing (latest state per alert and series) and the recent history', async () => {
    const dataDir = await tempDir();
    const now = Date.now();
    const cache = { 'prism.service': 'cache', 'prism.service.type': 'redis' };
    const graph = { 'prism.service': 'graph', 'prism.service.type': 'neo4j' };
    await plant(dataDir, [
      event(now - 3 * DAY, 'cpu_high', 'firing'),
      event(now - 3 * DAY + HOUR, 'disk_high', 'firing'),
      event(now - 3 * DAY + 2 * HOUR, 'disk_high', 'resolved'),
      event(now - 2 * HOUR, 'service_down', 'firing', { severity: 'critical', series: cache, value: 0 }),
      event(now - 2 * HOUR, 'service_down', 'firing', { severity: 'critical', series: graph, value: 0 }),
      event(now - HOUR, 'service_down', 'resolved', { severity: 'critical', series: graph, value: 1 }),
      event(now - 30 * 60_000, 'memory_high', 'pending'),
    ]);
    // A torn last line, as a power cut during an append leaves it.
    await writeFile(path.join(dataDir, 'alerts', '2020-01-01.jsonl'), '{"torn line', { mode: 0o600 });

    const result = await runCli(['alerts', '--json', '--data-dir', dataDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1); // an alert is firing
    const report = JSON.parse(result.stdout) as { firing: AlertEventJson[]; recent: AlertEventJson[] };
    expect(report.firing.map((e) => [e.alert, e.severity, e.series['prism.service'] ?? null])).toEqual([
      ['service_down', 'critical', 'cache'],
      ['cpu_high', 'warning', null],
    ]);
    expect(report.recent.map((e) => `${e.alert}:${e.state}`)).toEqual([
      'service_down:firing',
      'service_down:firing',
      'service_down:resolved',
      'memory_high:pending',
    ]);
    expect(report.recent[0]).toEqual(
      event(now - 2 * HOUR, 'service_down', 'firing', { severity: 'critical', series: cache, value: 0 }),
    );

    const week = JSON.parse((await runCli(['alerts', '--json', '--data-dir', dataDir, '--since', '7d'])).stdout) as {
      recent: unknown[];
    };
    expect(week.recent).toHaveLength(7);

    const text = await runCli(['alerts', '--data-dir', dataDir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('firing: 2');
    expect(text.stdout).toMatch(/critical +service_down since .* prism\.service=cache/);
    expect(text.stdout).toContain('recent (last 24h): 4 event(s)');
    expect(text.stdout).toContain('1 line(s) in the alert files were not alert events');
  });

  it('nothing firing exits 0; a data directory without alerts is empty, not an error', async () => {
    const empty = await tempDir();
    const none = await runCli(['alerts', '--json', '--data-dir', empty]);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ firing: [], recent: [] });

    const resolved = await tempDir();
    const now = Date.now();
    await plant(resolved, [event(now - HOUR, 'cpu_high', 'firing'), event(now - 60_000, 'cpu_high', 'resolved')]);
    const result = await runCli(['alerts', '--json', '--data-dir', resolved]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { firing: unknown[] }).firing).toEqual([]);
  });

  it('a bad --since is a usage error (exit 2) that says what to write', async () => {
    const result = await runCli(['alerts', '--since', '24 hours', '--data-dir', await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PT_ERR_USAGE: --since: contains a space');
    expect(result.stdout).toBe('');
  });
});
