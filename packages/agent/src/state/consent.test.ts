import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildManifest, DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { describe, expect, it } from 'vitest';
import { PrismError } from '../errors.js';
import {
  changeMode,
  consentEndpoint,
  consentHistoryFile,
  grantConsent,
  readConsentHistory,
  revokeConsent,
} from './consent.js';
import { readState } from './telemetry-state.js';
import { CONSENT_VERSION } from './types.js';

const temp = () => mkdtemp(path.join(tmpdir(), 'prism-consent-'));
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const grant = (dir: string, endpoint = 'https://collector.example:4318/v1/metrics') =>
  grantConsent(dir, {
    level: 'standard',
    endpoint,
    policyUrl: 'https://corrective-drift.com/privacy',
    categories: ['health', 'errors'],
    now: NOW,
  });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof PrismError ? error.code : 'not a PrismError';
  }
  return undefined;
}

describe('grantConsent', () => {
  it('records a receipt for the manifest shown, sets mode on, and appends one history line', async () => {
    const dir = await temp();
    const receipt = await grant(dir);
    const manifest = buildManifest(DEFAULT_POLICY, 'standard');
    expect(receipt).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      timestamp: '2026-11-22T12:00:00.000Z',
      consentVersion: CONSENT_VERSION,
      level: 'standard',
      categories: ['health', 'errors'],
      endpoint: 'https://collector.example:4318/v1/metrics',
      policyUrl: 'https://corrective-drift.com/privacy',
      policyVersion: manifest.policyVersion,
      manifestHash: manifest.hash,
    });
    const { state } = await readState(dir);
    expect(state).toMatchObject({ mode: 'on', modeSince: '2026-11-22T12:00:00.000Z', consent: receipt });
    const lines = (await readFile(consentHistoryFile(dir), 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { event: 'granted', at: '2026-11-22T12:00:00.000Z', receipt },
    ]);
  });

  it('stores the endpoint as origin and path only', async () => {
    const receipt = await grant(await temp(), 'HTTPS://Collector.Example/v1/metrics?token=secret#frag');
    expect(receipt.endpoint).toBe('https://collector.example/v1/metrics');
  });

  it.each([
    'https://alice:hunter2@collector.example/v1/metrics',
    'https://alice@collector.example/v1/metrics',
    'ftp://collector.example/',
    'collector.example/v1/metrics',
  ])('rejects %s without echoing it', (endpoint) => {
    let thrown: unknown;
    try {
      consentEndpoint(endpoint);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PrismError);
    expect((thrown as PrismError).code).toBe('PT_ERR_ENDPOINT_INVALID');
    for (const secret of ['alice', 'hunter2', 'collector.example']) {
      expect((thrown as PrismError).message).not.toContain(secret);
    }
  });

  it('writes nothing when the endpoint is refused', async () => {
    const dir = await temp();
    expect(await codeOf(grant(dir, 'https://a:b@collector.example/'))).toBe('PT_ERR_ENDPOINT_INVALID');
    expect(await readdir(dir)).toEqual([]);
  });

  it('replacing a receipt records the old one as revoked first', async () => {
    const dir = await temp();
    const first = await grant(dir);
    const second = await grant(dir);
    const history = await readConsentHistory(dir);
    expect(history.map((e) => e.event)).toEqual(['granted', 'revoked', 'granted']);
    expect(history[1]).toMatchObject({ receiptId: first.id });
    expect((await readState(dir)).state.consent?.id).toBe(second.id);
  });

  it('replacing a receipt empties the queue: data queued under the old one is never sent under the new', async () => {
    const dir = await temp();
    await grant(dir);
    await mkdir(path.join(dir, 'queue', 'otlphttp'), { recursive: true });
    await writeFile(path.join(dir, 'queue', 'otlphttp', '0000000000000001.seg'), 'queued under the first receipt');
    await grant(dir);
    expect(await readdir(path.join(dir, 'queue'))).toEqual([]);
  });

  it('a first grant leaves the queue alone (nothing was queued under any consent)', async () => {
    const dir = await temp();
    await mkdir(path.join(dir, 'queue'), { recursive: true });
    await writeFile(path.join(dir, 'queue', 'keep'), 'x');
    await grant(dir);
    expect(await readdir(path.join(dir, 'queue'))).toEqual(['keep']);
  });
});

describe('revokeConsent and changeMode', () => {
  it('revoking clears the receipt, records the reason and empties the queue', async () => {
    const dir = await temp();
    const receipt = await grant(dir);
    await mkdir(path.join(dir, 'queue', 'nested'), { recursive: true });
    await writeFile(path.join(dir, 'queue', 'batch-1'), 'x');
    await writeFile(path.join(dir, 'queue', 'nested', 'batch-2'), 'y');
    const change = await revokeConsent(dir, { reason: 'test', now: NOW + 1000 });
    expect(change).toMatchObject({ revoked: receipt, removedFiles: 2, previous: { mode: 'on' } });
    expect(change.state).toMatchObject({ mode: 'local', modeSince: '2026-11-22T12:00:01.000Z', consent: undefined });
    expect(await readdir(path.join(dir, 'queue'))).toEqual([]);
    expect((await readConsentHistory(dir)).at(-1)).toEqual({
      event: 'revoked',
      at: '2026-11-22T12:00:01.000Z',
      receiptId: receipt.id,
      reason: 'test',
    });
  });

  it('revoking without a receipt writes no history line', async () => {
    const dir = await temp();
    const change = await revokeConsent(dir, { reason: 'test', now: NOW, mode: 'off' });
    expect(change.state.mode).toBe('off');
    expect(await readConsentHistory(dir)).toEqual([]);
  });

  it('mode on needs a receipt; off and local revoke it', async () => {
    const dir = await temp();
    expect(await codeOf(changeMode(dir, 'on', { now: NOW }))).toBe('PT_ERR_CONSENT_REQUIRED');
    await grant(dir);
    const local = await changeMode(dir, 'local', { now: NOW + 1 });
    expect(local.state).toMatchObject({ mode: 'local', consent: undefined });
    expect(await codeOf(changeMode(dir, 'on', { now: NOW + 2 }))).toBe('PT_ERR_CONSENT_REQUIRED');
  });

  it('keeps modeSince when the mode does not change', async () => {
    const dir = await temp();
    await changeMode(dir, 'off', { now: NOW });
    const again = await changeMode(dir, 'off', { now: NOW + 5000 });
    expect(again.state.modeSince).toBe('2026-11-22T12:00:00.000Z');
  });
});

describe('readConsentHistory', () => {
  it('skips lines that do not parse', async () => {
    const dir = await temp();
    await grant(dir);
    const file = consentHistoryFile(dir);
    await writeFile(file, (await readFile(file, 'utf8')) + '{"event":"revo\nnot json\n{"event":"other","at":"x"}\n');
    expect((await readConsentHistory(dir)).map((e) => e.event)).toEqual(['granted']);
  });

  it('is empty when there is no history', async () => {
    expect(await readConsentHistory(await temp())).toEqual([]);
  });
});
