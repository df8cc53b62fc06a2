import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, othersCanExecute, runCli, tempDir } from './support/cli.js';

describe('CLI', () => {
  it.each([[[]], [['start']], [['validate']]])('prints help for %j --help', async (args) => {
    const result = await runCli([...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: prism-telemetry/);
  });

  it('lists its verbs in the top-level help', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(/start/);
    expect(stdout).toMatch(/validate/);
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await runCli(['strat']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
  });

  it('validates the shipped pipelines', async () => {
    const result = await runCli(['validate', '--config', path.join(REPO_ROOT, 'pipelines/local.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid');
  });

  it('reports all five mistakes of a config with their paths, exit 2', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'telemetry:',
        '  privacy_level: verbose', // 1: bad level
        '  retention:',
        '    helth: 30d', // 2: unknown key
        'receivers:',
        '  hostmetrics:',
        '    collection_interval: 10', // 3: duration without unit
        'exporters:',
        '  file: {}',
        'processors:',
        '  privacy:',
        '    level: everything', // 4: bad level
        'service:',
        '  pipelines:',
        '    metrics/local:',
        '      receivers: [hostmetrics]',
        '      processors: [privacy]',
        '      exporters: [file, filee]', // 5: undefined exporter
        '',
      ].join('\n'),
    );
    const result = await runCli(['validate', '--config', file]);
    expect(result.code).toBe(2);
    for (const where of [
      'bad.yaml:2:',
      'telemetry.privacy_level',
      'bad.yaml:4:',
      'telemetry.retention.helth',
      'bad.yaml:7:',
      'receivers.hostmetrics.collection_interval',
      'processors.privacy.level',
      'service.pipelines.metrics/local.exporters[1]',
    ]) {
      expect(result.stderr).toContain(where);
    }

    const json = await runCli(['validate', '--config', file, '--json']);
    expect(json.code).toBe(2);
    const body = JSON.parse(json.stdout) as { valid: boolean; errors: Array<{ path: string }> };
    expect(body.valid).toBe(false);
    expect(body.errors.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a config whose pipeline sends data off the machine without sharing enabled', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'share.yaml');
    await writeFile(
      file,
      [
        'receivers: { hostmetrics: {} }',
        'exporters: { otlphttp: { endpoint: "http://127.0.0.1:9/v1/metrics" } }',
        'service: { pipelines: { metrics: { receivers: [hostmetrics], exporters: [otlphttp] } } }',
        '',
      ].join('\n'),
    );
    const validate = await runCli(['validate', '--config', file]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('sharing.enabled');
    const start = await runCli(['start', '--config', file, '--data-dir', path.join(dir, 'data')]);
    expect(start.code).toBe(2);
  });

  it('reports a config file it may not read, with its code', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    const file = path.join(dir, 'private.yaml');
    await writeFile(file, 'receivers: {}\n');
    await chmod(file, 0o000);
    // As root every file is readable, so the CLI runs as the unprivileged `nobody` user then.
    // A node binary under /root (npx -y node@24) is not executable by `nobody`; the system one is.
    const node = othersCanExecute(process.execPath) ? process.execPath : '/usr/bin/node';
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, node } : {};
    const result = await runCli(['validate', '--config', file], asUser);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('permission denied');
    expect(result.stderr).toContain('PT_ERR_CONFIG_READ');
  });
});
