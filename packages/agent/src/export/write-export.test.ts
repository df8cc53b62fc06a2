import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/default-config.js';
import type { AgentConfig } from '../config/types.js';
import type { ConsentEvent } from '../state/types.js';
import { buildExportHeader, type ExportFileFormat } from './export-format.js';
import { openAtomicFileSink } from './export-sink.js';
import { importExport } from './import-export.js';
import { otlpRequest, writeLines } from './otlp-lines.test.helper.js';
import { readConsentHistory } from '../state/consent.js';
import { SkippedLines } from './skipped-lines.js';
import { writeExport } from './write-export.js';

const SCHEMA_FILE = new URL('../../../../schemas/export.schema.json', import.meta.url);

async function validators() {
  const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormatsModule.default(ajv);
  ajv.addSchema(schema);
  return {
    document: ajv.getSchema(schema.$id)!,
    header: ajv.getSchema(`${schema.$id}#/$defs/header`)!,
    record: ajv.getSchema(`${schema.$id}#/$defs/metricRecord`)!,
  };
}

const config = (): AgentConfig => {
  const result = defaultConfig({});
  if (!result.ok) throw new Error('embedded defaults must be valid');
  return result.config;
};

const granted: Extract<ConsentEvent, { event: 'granted' }> = {
  event: 'granted',
  at: '2026-11-20T09:00:00.000Z',
  receipt: {
    id: '6c1c6f3e-1111-4a4a-8b8b-000000000001',
    timestamp: '2026-11-20T09:00:00.000Z',
    consentVersion: '1',
    level: 'minimal',
    categories: ['health'],
    endpoint: 'https://collector.example/v1/collect',
    policyUrl: 'https://corrective-drift.com/privacy',
    policyVersion: '1',
    manifestHash: 'a'.repeat(64),
  },
};

async function populated(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'prism-export-'));
  const health = otlpRequest('standard', [
    { name: 'system.memory.usage', attributes: { 'system.memory.state': 'used' } },
  ]);
  await writeLines(dataDir, 'metrics/health/2026-11-21.jsonl', [health, '{"resourceMetrics":[', health]);
  await writeLines(dataDir, 'metrics/health/2026-11-22.jsonl', ['', '{"not":"otlp"}', health]);
  await writeLines(dataDir, 'metrics/level/2026-11-22.jsonl', [otlpRequest('standard', [{ name: 'prism.app.level' }])]);
  await writeLines(dataDir, 'metrics/stray/2026-11-22.jsonl', [health]);
  await writeLines(dataDir, 'consent-history.jsonl', [
    granted,
    'garbage',
    { event: 'revoked', at: '2026-11-21T09:00:00.000Z', receiptId: granted.receipt.id, reason: 'disable' },
  ]);
  return dataDir;
}

async function exportTo(dataDir: string, format: ExportFileFormat) {
  const out = path.join(dataDir, `export.${format}`);
  const skipped = new SkippedLines();
  const consentHistory = await readConsentHistory(dataDir);
  const header = buildExportHeader({
    config: config(),
    dataDirDisplay: '~/data',
    agentVersion: '0.1.0',
    consentHistory,
    now: new Date('2026-11-22T12:00:00.000Z'),
  });
  const sink = await openAtomicFileSink(out);
  const result = await writeExport({ dataDir, header, format, sink, skipped });
  await sink.commit();
  return { out, result, skipped };
}

describe('export', () => {
  it.each(['json', 'jsonl'] as const)(
    'writes the %s format atomically (0600, no temp file left), valid against the JSON Schema',
    async (format) => {
      const dataDir = await populated();
      const { out, result, skipped } = await exportTo(dataDir, format);
      expect(result).toMatchObject({ files: 3, records: 4 });
      expect(skipped.count).toBe(2);
      expect(skipped.listed).toEqual([
        { file: 'metrics/health/2026-11-21.jsonl', line: 2, reason: 'unparseable' },
        { file: 'metrics/health/2026-11-22.jsonl', line: 2, reason: 'not_otlp_request' },
      ]);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      expect((await readdir(dataDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      const v = await validators();
      const text = await readFile(out, 'utf8');
      if (format === 'json') {
        expect(v.document(JSON.parse(text)), JSON.stringify(v.document.errors)).toBe(true);
      } else {
        const [header, ...records] = text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown);
        expect(v.header(header), JSON.stringify(v.header.errors)).toBe(true);
        expect(records).toHaveLength(4);
        for (const r of records) expect(v.record(r), JSON.stringify(v.record.errors)).toBe(true);
      }
    },
  );

  it('reads both formats back into the same document, records in file order with their lines', async () => {
    const dataDir = await populated();
    const json = await importExport((await exportTo(dataDir, 'json')).out);
    const jsonl = await importExport((await exportTo(dataDir, 'jsonl')).out);
    expect(jsonl).toEqual(json);
    expect(json.consentHistory.map((e) => e.event)).toEqual(['granted', 'revoked']);
    expect(json.config).toEqual({ privacyLevel: 'standard', retentionDays: { health: 30, level: 90, errors: 7 } });
    expect(Object.keys(json.manifests)).toEqual(['minimal', 'standard', 'detailed']);
    expect(json.metrics.map((m) => `${m.category} ${m.file}:${m.line}`)).toEqual([
      'health metrics/health/2026-11-21.jsonl:1',
      'health metrics/health/2026-11-21.jsonl:3',
      'health metrics/health/2026-11-22.jsonl:3',
      'level metrics/level/2026-11-22.jsonl:1',
    ]);
    expect(json.metrics[3]!.request).toEqual(otlpRequest('standard', [{ name: 'prism.app.level' }]));
  });

  it('an empty data directory exports a header and no records, still valid', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'prism-export-'));
    const { out } = await exportTo(dataDir, 'json');
    const v = await validators();
    expect(v.document(JSON.parse(await readFile(out, 'utf8')))).toBe(true);
    expect((await importExport(out)).metrics).toEqual([]);
  });

  it('the schema rejects what is not the format', async () => {
    const v = await validators();
    const { out } = await exportTo(await populated(), 'json');
    const document = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    const { metrics, ...header } = document;
    expect(v.header(header)).toBe(true);
    expect(v.header(document)).toBe(false);
    expect(v.document({ ...document, formatVersion: 2 })).toBe(false);
    expect(v.document({ ...document, extra: 1 })).toBe(false);
    const record = (metrics as Array<Record<string, unknown>>)[0]!;
    expect(v.record({ ...record, category: 'stray' })).toBe(false);
    expect(v.record({ ...record, line: 0 })).toBe(false);
  });

  it('an abandoned export leaves nothing behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-export-'));
    const sink = await openAtomicFileSink(path.join(dir, 'out.json'));
    await sink.write('{"partial":');
    await sink.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a file that is not an export, with a coded error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-export-'));
    await writeLines(dir, 'x.json', [{ format: 'something-else' }]);
    await expect(importExport(path.join(dir, 'x.json'))).rejects.toMatchObject({ code: 'PT_ERR_EXPORT_READ' });
  });
});
