import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastSend, outboundLogFile, readOutboundAttempts } from './outbound-log.js';
import type { OutboundAttempt } from './types.js';

const attempt = (at: string, result: string): OutboundAttempt => ({
  at,
  destination: 'https://collector.example/v1/metrics',
  bytes: 100,
  mode: 'on',
  result,
  purpose: 'collect',
});

describe('outbound log (read side)', () => {
  it('is empty without a log, and nothing was sent', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-outbound-'));
    expect(await readOutboundAttempts(dir)).toEqual([]);
    expect(await lastSend(dir)).toBeUndefined();
  });

  it('finds the last attempt that was sent, skipping unparseable lines', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-outbound-'));
    const lines = [
      attempt('2026-11-22T00:00:00.000Z', 'sent'),
      attempt('2026-11-22T00:01:00.000Z', 'sent'),
      attempt('2026-11-22T00:02:00.000Z', 'failed:503'),
    ].map((a) => JSON.stringify(a));
    await writeFile(outboundLogFile(dir), [lines[0], '{"at":', lines[1], '{"at":"x"}', lines[2], '{"torn'].join('\n'));
    expect(await readOutboundAttempts(dir)).toHaveLength(3);
    expect((await lastSend(dir))?.at).toBe('2026-11-22T00:01:00.000Z');
  });

  it('counts a request that got an HTTP answer (`sent:<status>`) as a send', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-outbound-'));
    const lines = [
      attempt('2026-11-22T00:00:00.000Z', 'blocked:do_not_track'),
      attempt('2026-11-22T00:05:00.000Z', 'sent:404'),
    ];
    await writeFile(outboundLogFile(dir), lines.map((a) => JSON.stringify(a)).join('\n') + '\n');
    expect((await lastSend(dir))?.result).toBe('sent:404');
  });
});
