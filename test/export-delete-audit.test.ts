import { createHmac } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, createHmacPseudonymizer, DEFAULT_POLICY, needleForms } from '@prism-telemetry/privacy';
import { importExport } from '../packages/agent/src/export/import-export.js';
import {
  isolatedEnv,
  readAllFiles,
  readMetricFiles,
  runCli,
  startAgent,
  tempDir,
  waitFor,
  writeConfig,
} from './support/cli.js';
import {
  consentTo,
  exportSchemaValidators,
  lastOutboundAttempt,
  recordingEndpoint,
  type Json,
  type RecordingEndpoint,
} from './support/export-delete-audit.js';

const HEALTH_FILE = `metrics/health/${new Date().toISOString().slice(0, 10)}.jsonl`;
const EMAIL = 'alice.canary@example.com';

/** A data directory written by the real agent, copied afresh for every test. */
let source: string;

beforeAll(async () => {
  const dir = await tempDir();
  source = path.join(dir, 'data');
  const config = await writeConfig(dir, { level: 'standard', interval: '1s' });
  const agent = await startAgent(['--config', config, '--data-dir', source]);
  try {
    await waitFor(
      async () => ((await readMetricFiles(source)).get(HEALTH_FILE)?.length ?? 0) >= 2,
      15_000,
      'two stored records',
    );
  } finally {
    agent.child.kill('SIGTERM');
  }
  expect((await agent.exited).code).toBe(0);
}, 30_000);

async function freshDataDir(): Promise<string> {
  const dataDir = path.join(await tempDir(), 'data');
  await cp(source, dataDir, { recursive: true });
  return dataDir;
}

interface AuditJson {
  clean: boolean;
  filesScanned: number;
  linesScanned: number;
  outboundAttempts: number;
  outboundWhileNotOn: number;
  findings: Array<{ file: string; line: number; kind: string; detail: string }>;
}

async function audit(dataDir: string): Promise<{ code: number | null; json: AuditJson; output: string }> {
  const result = await runCli(['audit', '--data-dir', dataDir, '--json']);
  const human = await runCli(['audit', '--data-dir', dataDir]);
  expect(human.code).toBe(result.code);
  const output = [result.stdout, result.stderr, human.stdout, human.stderr].join('\n');
  return { code: result.code, json: JSON.parse(result.stdout) as AuditJson, output };
}

describe('prism-telemetry audit', () => {
  it('finds nothing in what the real agent stored, and exits 0', async () => {
    const { code, json, output } = await audit(await freshDataDir());
    expect(json.findings).toEqual([]);
    expect(json).toMatchObject({ clean: true, outboundAttempts: 0, outboundWhileNotOn: 0 });
    // The metrics file, and an alerts file when a busy machine set off a CPU alert.
    expect(json.filesScanned).toBeGreaterThanOrEqual(1);
    expect(json.linesScanned).toBeGreaterThanOrEqual(2);
    expect(code).toBe(0);
    expect(output).toContain('0 outbound attempt(s), 0 while not in mode on');
  });

  it('finds planted personal data and an unlisted metric by file and line, never printing the data', async () => {
    const dataDir = await freshDataDir();
    const file = path.join(dataDir, HEALTH_FILE);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const first = JSON.parse(lines[0]!) as Json;
    const metrics = first.resourceMetrics[0].scopeMetrics.flatMap((s: Json) => s.metrics) as Json[];
    const memory = metrics.find((m) => m.name === 'system.memory.usage')!;
    memory.gauge.dataPoints[0].attributes[0].value.stringValue = EMAIL;
    const second = JSON.parse(lines[1]!) as Json;
    second.resourceMetrics[0].scopeMetrics[0].metrics[0].name = 'user.logins';
    lines[0] = JSON.stringify(first);
    lines[1] = JSON.stringify(second);
    await writeFile(file, lines.join('\n') + '\n');

    const { code, json, output } = await audit(dataDir);
    expect(code).toBe(1);
    expect(json.clean).toBe(false);
    expect(json.findings).toContainEqual(
      expect.objectContaining({
        file: HEALTH_FILE,
        line: 1,
        kind: 'personal_data',
        detail: expect.stringMatching(/^email in /),
      }),
    );
    expect(json.findings).toContainEqual(
      expect.objectContaining({
        file: HEALTH_FILE,
        line: 2,
        kind: 'metric_not_in_manifest',
        detail: expect.stringContaining('user.logins'),
      }),
    );
    for (const form of needleForms('alice.canary')) expect(output).not.toContain(form);
  });

  it('reports a collect attempt recorded in mode local as sent while not in mode on', async () => {
    const dataDir = await freshDataDir();
    const attempt = {
      at: new Date().toISOString(),
      destination: 'https://collector.example/v1/collect',
      bytes: 1200,
      mode: 'local',
      result: 'sent',
      purpose: 'collect',
    };
    await appendFile(path.join(dataDir, 'outbound.jsonl'), JSON.stringify(attempt) + '\n');
    const { code, json, output } = await audit(dataDir);
    expect(code).toBe(1);
    expect(json).toMatchObject({ outboundAttempts: 1, outboundWhileNotOn: 1 });
    expect(json.findings).toEqual([
      { file: 'outbound.jsonl', line: 1, kind: 'sent_while_not_on', detail: expect.stringContaining('mode local') },
    ]);
    expect(output).toContain('1 outbound attempt(s), 1 while not in mode on');
  });
});

describe('prism-telemetry export', () => {
  it('writes json and jsonl exports that validate against the schema and read back to the stored data', async () => {
    const dataDir = await freshDataDir();
    await appendFile(path.join(dataDir, HEALTH_FILE), '{"torn":\n');
    const stored = (await readMetricFiles(dataDir)).get(HEALTH_FILE)!;
    const v = await exportSchemaValidators();
    const out = await tempDir();
    const docs = [];
    for (const format of ['json', 'jsonl'] as const) {
      const file = path.join(out, `export.${format}`);
      const result = await runCli(['export', '--out', file, '--format', format, '--data-dir', dataDir, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as Json;
      expect(summary).toMatchObject({ format, files: 1, records: stored.length - 1, skippedLines: 1 });
      expect(summary.skipped).toEqual([{ file: HEALTH_FILE, line: stored.length, reason: 'unparseable' }]);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const text = await readFile(file, 'utf8');
      if (format === 'json') {
        expect(v.document(JSON.parse(text)), JSON.stringify(v.document.errors)).toBe(true);
      } else {
        const [header, ...records] = text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown);
        expect(v.header(header), JSON.stringify(v.header.errors)).toBe(true);
        for (const r of records) expect(v.record(r), JSON.stringify(v.record.errors)).toBe(true);
      }
      docs.push(await importExport(file));
    }
    const [json, jsonl] = docs;
    expect({ ...jsonl!, exportedAt: '' }).toEqual({ ...json!, exportedAt: '' });
    expect(json!.metrics.map((m) => m.request)).toEqual(stored.slice(0, -1).map((l) => JSON.parse(l) as unknown));
    expect(json!.metrics.map((m) => m.line)).toEqual(stored.slice(0, -1).map((_, i) => i + 1));
    expect(json!.manifests.standard.hash).toBe(buildManifest(DEFAULT_POLICY, 'standard').hash);
    expect(JSON.stringify(json)).not.toContain((await readFile(path.join(dataDir, 'install-secret'))).toString('hex'));
  });

  it('--out - writes the export to stdout and the summary to stderr', async () => {
    const dataDir = await freshDataDir();
    const result = await runCli(['export', '--out', '-', '--format', 'jsonl', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    const [header] = result.stdout.trimEnd().split('\n');
    expect(JSON.parse(header!)).toMatchObject({ format: 'prism-telemetry-export', formatVersion: 1 });
    expect(result.stderr).toMatch(/^exported \d+ record\(s\)/);
  });

  it('an unwritable destination fails with PT_ERR_EXPORT_WRITE and exit 1', async () => {
    const result = await runCli(['export', '--out', '/nonexistent-dir/x.json', '--data-dir', await freshDataDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PT_ERR_EXPORT_WRITE');
  });
});

const endpoints: RecordingEndpoint[] = [];
afterEach(async () => {
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function endpoint(status: number): Promise<RecordingEndpoint> {
  const started = await recordingEndpoint(status);
  endpoints.push(started);
  return started;
}

describe('prism-telemetry delete', () => {
  it('--all --yes removes metrics and queue, rotates the secret, and keeps the user records', async () => {
    const dataDir = await freshDataDir();
    await mkdir(path.join(dataDir, 'queue'));
    await writeFile(path.join(dataDir, 'queue', 'batch-1.json'), '{}');
    const kept = { 'outbound.jsonl': '{"purpose":"consent"}\n', 'consent-history.jsonl': '{"event":"revoked"}\n' };
    for (const [name, text] of Object.entries(kept)) await writeFile(path.join(dataDir, name), text);
    const secretBefore = await readFile(path.join(dataDir, 'install-secret'));

    const result = await runCli(['delete', '--all', '--yes', '--data-dir', dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as Json;
    expect(body.deleted.metrics.files).toBe(1);
    expect(body.deleted.metrics.bytes).toBeGreaterThan(0);
    expect(body.deleted.queue).toEqual({ files: 1, bytes: 2 });
    expect(body).toMatchObject({ secretRotated: true, dataGeneration: 1, remote: null });

    expect([...(await readAllFiles(path.join(dataDir, 'metrics'))).keys()]).toEqual([]);
    expect([...(await readAllFiles(path.join(dataDir, 'queue'))).keys()]).toEqual([]);
    for (const [name, text] of Object.entries(kept))
      expect(await readFile(path.join(dataDir, name), 'utf8')).toBe(text);
    const secretAfter = await readFile(path.join(dataDir, 'install-secret'));
    expect(secretAfter).toHaveLength(32);
    expect(secretAfter.equals(secretBefore)).toBe(false);
    const before = createHmacPseudonymizer({ secret: secretBefore }).pseudonym('/');
    const after = createHmacPseudonymizer({ secret: secretAfter }).pseudonym('/');
    expect(after).not.toBe(before);

    const human = await runCli(['delete', '--all', '--yes', '--data-dir', dataDir]);
    expect(human.stdout).toContain('consent-history.jsonl');
    expect(human.stdout).toContain('outbound.jsonl');
  });

  it('works while an agent runs: it starts new files whose pseudonyms cannot be linked to the old ones', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const config = await writeConfig(dir, { level: 'standard', interval: '1s' });
    const agent = await startAgent(['--config', config, '--data-dir', dataDir]);
    try {
      const pseudonyms = async (): Promise<Set<string>> =>
        new Set(((await readMetricFiles(dataDir)).get(HEALTH_FILE) ?? []).join('\n').match(/anon:[0-9a-f]{32}/g));
      await waitFor(async () => (await pseudonyms()).size > 0, 15_000, 'a record with a hashed mount point');
      const old = await pseudonyms();

      const result = await runCli(['delete', '--all', '--yes', '--data-dir', dataDir]);
      expect(result.code, result.stderr).toBe(0);
      await waitFor(
        async () => ((await readMetricFiles(dataDir)).get(HEALTH_FILE)?.length ?? 0) >= 3,
        15_000,
        'three records in the new file',
      );
      const fresh = await pseudonyms();
      expect(fresh.size).toBeGreaterThan(0);
      expect(
        [...fresh].filter((p) => old.has(p)),
        'old pseudonyms written after the deletion',
      ).toEqual([]);
    } finally {
      agent.child.kill('SIGTERM');
    }
    expect((await agent.exited).code).toBe(0);
    expect((await audit(dataDir)).code).toBe(0);
  });

  it('without --yes and without a terminal exits 2 and deletes nothing', async () => {
    const dataDir = await freshDataDir();
    const before = await readAllFiles(dataDir);
    const result = await runCli(['delete', '--all', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PT_ERR_CONFIRMATION_REQUIRED');
    expect(result.stderr).toContain('--yes');
    expect(await readAllFiles(dataDir)).toEqual(before);
  });

  it('--remote sends DELETE /v1/data/<cluster id> to the consented endpoint and records it', async () => {
    const dataDir = await freshDataDir();
    const server = await endpoint(200);
    await consentTo(dataDir, server.url);
    const secretBefore = await readFile(path.join(dataDir, 'install-secret'));
    const clusterId = createHmac('sha256', secretBefore).update('cluster-id').digest('hex').slice(0, 32);

    const result = await runCli(['delete', '--all', '--yes', '--remote', '--data-dir', dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(server.seen).toEqual([`DELETE /v1/data/${clusterId}`]);
    const body = JSON.parse(result.stdout) as Json;
    expect(body.remote).toMatchObject({ ok: true, status: 200, result: 'sent:200', clusterId });
    const origin = new URL(server.url).origin;
    expect(await lastOutboundAttempt(dataDir)).toMatchObject({
      destination: `${origin}/v1/data/${clusterId}`,
      bytes: 0,
      mode: 'on',
      purpose: 'delete',
      result: 'sent:200',
    });
    expect([...(await readAllFiles(path.join(dataDir, 'metrics'))).keys()]).toEqual([]);
    const after = await audit(dataDir);
    expect(after.json).toMatchObject({ clean: true, outboundAttempts: 1, outboundWhileNotOn: 0 });
  });

  it('--remote refused still deletes locally, exits 1, and is allowed and recorded even when telemetry is disabled', async () => {
    const dataDir = await freshDataDir();
    const server = await endpoint(503);
    await consentTo(dataDir, server.url);
    const result = await runCli(['delete', '--all', '--yes', '--remote', '--data-dir', dataDir], {
      env: isolatedEnv({ PRISM_TELEMETRY_DISABLED: '1' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PT_ERR_REMOTE_DELETE');
    expect(result.stderr).toContain('HTTP 503');
    expect(server.seen).toHaveLength(1);
    expect(await lastOutboundAttempt(dataDir)).toMatchObject({ mode: 'off', purpose: 'delete', result: 'sent:503' });
    expect([...(await readAllFiles(path.join(dataDir, 'metrics'))).keys()]).toEqual([]);
  });
});
