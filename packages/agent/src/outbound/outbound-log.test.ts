import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboundAttempt } from '../state/types.js';
import { outboundLogFile } from '../state/outbound-log.js';
import { destinationOf, recordOutboundAttempt } from './outbound-log.js';

const attempt = (i: number): OutboundAttempt => ({
  at: '2026-11-22T10:00:00.000Z',
  destination: 'https://collector.example:4318/v1/collect',
  bytes: i,
  mode: 'on',
  result: 'sent',
  purpose: 'collect',
});

describe('destinationOf', () => {
  it('keeps scheme, host, port and path, and drops credentials, query and fragment', () => {
    expect(destinationOf('https://user:hunter2@collector.example:4318/v1/collect?token=abc#x')).toBe(
      'https://collector.example:4318/v1/collect',
    );
    expect(destinationOf(new URL('http://127.0.0.1:8080'))).toBe('http://127.0.0.1:8080/');
  });

  it('never echoes something that is not a URL', () => {
    expect(destinationOf('not a url with secret=abc')).toBe('(invalid url)');
  });
});

describe('recordOutboundAttempt', () => {
  it('appends one whole JSON line per attempt, mode 0600, even when many race', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-outbound-'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => recordOutboundAttempt(dir, attempt(i))));
    const lines = (await readFile(outboundLogFile(dir), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as OutboundAttempt).bytes).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect((await stat(outboundLogFile(dir))).mode & 0o777).toBe(0o600);
  });

  it('strips credentials a caller left in the destination', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-outbound-'));
    await recordOutboundAttempt(dir, { ...attempt(0), destination: 'https://a:b@host.example/v1/x?k=v' });
    expect(await readFile(outboundLogFile(dir), 'utf8')).not.toMatch(/a:b@|k=v/);
  });
});
