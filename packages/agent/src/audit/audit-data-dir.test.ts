import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PERSONAL_DATA_CANARIES, needleForms } from '@prism-telemetry/privacy';
import { describe, expect, it } from 'vitest';
import { otlpRequest, writeLines } from '../export/otlp-lines.test.helper.js';
import { auditDataDir } from './audit-data-dir.js';

const PSEUDONYM = `anon:${'0123456789abcdef'.repeat(2)}`;
const today = 'metrics/health/2026-11-22.jsonl';
const temp = () => mkdtemp(path.join(tmpdir(), 'prism-audit-'));

/** What the agent stores at each level, including hashed and fixed-value attributes. */
const CLEAN = [
  otlpRequest('minimal', [
    { name: 'system.cpu.utilization' },
    { name: 'system.filesystem.utilization', attributes: { 'system.filesystem.mountpoint': PSEUDONYM } },
  ]),
  otlpRequest('standard', [
    { name: 'system.memory.usage', attributes: { 'system.memory.state': 'used' } },
    { name: 'system.network.io', attributes: { 'network.io.direction': 'receive' } },
  ]),
  otlpRequest('detailed', [
    { name: 'system.filesystem.utilization', attributes: { 'system.filesystem.mountpoint': '/' } },
    { name: 'system.network.io', attributes: { 'network.io.direction': 'transmit', 'system.device': PSEUDONYM } },
  ]),
];

const kinds = (result: Awaited<ReturnType<typeof auditDataDir>>) =>
  result.findings.map((f) => `${f.file}:${f.line} ${f.kind}`);

describe('auditDataDir', () => {
  it('finds nothing in clean data at every level, and counts what it read', async () => {
    const dataDir = await temp();
    await writeLines(dataDir, today, CLEAN);
    await writeLines(dataDir, 'queue/0001.jsonl', [CLEAN[1]!]);
    const result = await auditDataDir(dataDir);
    expect(result.findings).toEqual([]);
    expect(result).toMatchObject({ clean: true, filesScanned: 2, linesScanned: 4, outboundAttempts: 0 });
  });

  it('an empty or missing data directory is clean', async () => {
    expect((await auditDataDir(path.join(await temp(), 'missing'))).clean).toBe(true);
  });

  it('reports each rule broken, with file and line', async () => {
    const dataDir = await temp();
    await writeLines(dataDir, today, [
      CLEAN[0]!,
      otlpRequest('standard', [{ name: 'user.logins' }]),
      otlpRequest('standard', [{ name: 'system.network.io', attributes: { 'system.device': PSEUDONYM } }]),
      otlpRequest('minimal', [
        { name: 'system.filesystem.utilization', attributes: { 'system.filesystem.mountpoint': '/srv' } },
      ]),
      otlpRequest('standard', [{ name: 'system.memory.usage', attributes: { 'system.memory.state': 'sideways' } }]),
      otlpRequest('standard', [{ name: 'system.cpu.utilization', attributes: { 'cpu.socket': '0' } }]),
      otlpRequest(undefined, [{ name: 'system.cpu.utilization' }]),
      otlpRequest('paranoid', [{ name: 'system.cpu.utilization' }]),
      otlpRequest('standard', [{ name: 'prism.app.level' }]),
      '{"resourceMetrics": [',
      '{"hello":"world"}',
    ]);
    const result = await auditDataDir(dataDir);
    expect(result.clean).toBe(false);
    expect(kinds(result)).toEqual([
      `${today}:2 metric_not_in_manifest`,
      `${today}:3 attribute_should_be_dropped`,
      `${today}:4 attribute_not_hashed`,
      `${today}:5 attribute_value_not_allowed`,
      `${today}:6 attribute_not_in_manifest`,
      `${today}:7 privacy_level_missing`,
      `${today}:8 privacy_level_unknown`,
      `${today}:9 metric_wrong_category`,
      `${today}:10 unparseable_line`,
      `${today}:11 not_otlp_request`,
    ]);
    expect(result.findings[0]!.detail).toContain('metric user.logins is not in the standard manifest');
  });

  it('finds every personal-data canary in any string, and never repeats it', async () => {
    const dataDir = await temp();
    // The canary sits in one place per line: an attribute value, a metric name, or a resource attribute key.
    const places = ['attributes[0].value.stringValue', 'metrics[0].name', 'resource.attributes[0].* (a key)'];
    const lines = PERSONAL_DATA_CANARIES.map((canary, i) => {
      const mountpoint = i % 3 === 0 ? canary.value : '/';
      const json = JSON.stringify(
        otlpRequest('detailed', [
          { name: 'system.filesystem.utilization', attributes: { 'system.filesystem.mountpoint': mountpoint } },
        ]),
      );
      if (i % 3 === 1) return json.replace('"system.filesystem.utilization"', JSON.stringify(canary.value));
      if (i % 3 === 2) return json.replace('"key":"service.name"', `${JSON.stringify(canary.value)}:1`);
      return json;
    });
    await writeLines(dataDir, today, lines);
    const result = await auditDataDir(dataDir);
    PERSONAL_DATA_CANARIES.forEach((canary, i) => {
      const found = result.findings.filter((f) => f.line === i + 1 && f.kind === 'personal_data');
      expect(found.map((f) => f.detail).join('; '), canary.value).toContain(places[i % 3]);
      expect(found[0]!.detail).toMatch(
        /^(email|ip_address|mac_address|home_path|credential|card_number|phone_number) in /,
      );
    });
    const output = JSON.stringify(result);
    for (const canary of PERSONAL_DATA_CANARIES) {
      for (const form of needleForms(canary.needle)) expect(output).not.toContain(form);
    }
  });

  it('ignores OTLP timestamps and counts, which are digit strings, but checks numeric attribute values', async () => {
    const dataDir = await temp();
    const request = otlpRequest('minimal', [{ name: 'system.cpu.utilization' }]);
    // 4111111111111111 passes the Luhn check: as a timestamp it is a number, as an attribute it is a card.
    const json = JSON.stringify(request).replace(/"1795345798455000000"/, '"4111111111111111"');
    const withNumber = JSON.stringify(request).replace(
      '"attributes":[]',
      '"attributes":[{"key":"x","value":{"intValue":"14155550132"}}]',
    );
    await writeLines(dataDir, today, [json, withNumber]);
    const result = await auditDataDir(dataDir);
    expect(kinds(result)).toEqual([`${today}:2 personal_data`, `${today}:2 attribute_not_in_manifest`]);
  });

  it('flags collect attempts made while not in mode on, and nothing else in the outbound log', async () => {
    const dataDir = await temp();
    const attempt = { at: '2026-11-22T10:00:00.000Z', destination: 'http://127.0.0.1:1/v1/collect', bytes: 10 };
    await writeLines(dataDir, 'outbound.jsonl', [
      { ...attempt, mode: 'on', purpose: 'collect', result: 'sent' },
      { ...attempt, mode: 'local', purpose: 'collect', result: 'sent' },
      { ...attempt, mode: 'local', purpose: 'collect', result: 'blocked:mode_local' },
      { ...attempt, mode: 'local', purpose: 'delete', result: 'sent:202' },
      { ...attempt, mode: 'off', purpose: 'collect', result: 'failed:ECONNREFUSED' },
      'torn',
    ]);
    const result = await auditDataDir(dataDir);
    expect(result).toMatchObject({ outboundAttempts: 5, outboundWhileNotOn: 2 });
    expect(kinds(result)).toEqual([
      'outbound.jsonl:2 sent_while_not_on',
      'outbound.jsonl:5 sent_while_not_on',
      'outbound.jsonl:6 unparseable_line',
    ]);
  });
});
