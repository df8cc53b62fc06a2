import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from './load-config.js';

describe('parseConfigText: YAML syntax', () => {
  it('reports syntax errors with their position and PT_ERR_CONFIG_READ, without quoting the file', () => {
    const result = parseConfigText(
      'telemetry:\n\tprivacy_level: standard # secret-ish\nreceivers: {}\n',
      'bad.yaml',
      {},
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          line: 2,
          column: 1,
          message: 'Tabs are not allowed as indentation',
          hint: 'indent with spaces, not tabs',
          source: 'bad.yaml',
          code: 'PT_ERR_CONFIG_READ',
        },
      ],
    });
    const unclosed = parseConfigText('telemetry:\n  privacy_level: [standard, secret-ish\n', 'bad.yaml', {});
    expect(unclosed.ok).toBe(false);
    if (unclosed.ok) return;
    for (const error of unclosed.errors) expect(error.message).not.toContain('secret-ish');
  });

  it('explains that ${...} must be quoted inside [ ]', () => {
    const result = parseConfigText(
      'service:\n  pipelines:\n    metrics:\n      exporters: [${EXPORTER}]\n',
      'a.yaml',
      {},
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({
      line: 4,
      hint: 'inside [ ] or { }, quote ${...} references, e.g. [file, "${NAME}"]',
    });
  });

  it('rejects a second document', () => {
    const result = parseConfigText('receivers: {}\n---\nreceivers: {}\n', 'a.yaml', {});
    expect(result.ok).toBe(false);
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    const result = parseConfigText(lines.join('\n') + '\n', 'bomb.yaml', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: 'PT_ERR_CONFIG_READ' });
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prism-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a file, naming issues after its path', async () => {
    const path = join(dir, 'agent.yaml');
    await writeFile(path, 'receivers:\n  hostmetric: {}\n');
    const result = await loadConfigFile(path, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.source, e.path, e.line])).toEqual([
      [path, 'receivers.hostmetric', 2],
      [path, 'service.pipelines', 1],
    ]);
  });

  it('reports a missing file, a directory and an oversized file as PT_ERR_CONFIG_READ', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await loadConfigFile(missing, {})).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          message: 'no such file',
          hint: 'check the path; pipelines/local.yaml is a complete example',
          source: missing,
          code: 'PT_ERR_CONFIG_READ',
        },
      ],
    });
    await mkdir(join(dir, 'sub'));
    expect(await loadConfigFile(join(dir, 'sub'), {})).toMatchObject({
      ok: false,
      errors: [{ message: 'is a directory', code: 'PT_ERR_CONFIG_READ' }],
    });
    const big = join(dir, 'big.yaml');
    await writeFile(big, '#'.repeat(1024 * 1024 + 1));
    expect(await loadConfigFile(big, {})).toMatchObject({ ok: false, errors: [{ message: 'is larger than 1 MiB' }] });
  });
});
