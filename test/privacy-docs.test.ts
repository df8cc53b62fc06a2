import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@prism-telemetry/agent';
import { buildProgram } from '../packages/agent/src/cli/main.js';
import {
  checkPrivacyDocs,
  defaultRetentionDays,
  privacyDocBlocks,
} from '../packages/agent/src/transparency/privacy-docs.js';
import { beginMarker, endMarker } from '../packages/agent/src/transparency/generated-blocks.js';
import { REPO_ROOT, isolatedEnv, runCli, tempDir } from './support/cli.js';

const DOCS = path.join(REPO_ROOT, 'docs');
const readDoc = (name: string): Promise<string> => readFile(path.join(DOCS, name), 'utf8');

async function allDocs(): Promise<string> {
  const names = (await readdir(DOCS)).filter((n) => n.endsWith('.md'));
  return (await Promise.all(names.map(readDoc))).join('\n');
}

describe('docs/PRIVACY.md', () => {
  it('has every generated block, up to date with the policy (npm run docs regenerates them)', async () => {
    const result = checkPrivacyDocs(await readDoc('PRIVACY.md'));
    expect(result.missing, 'blocks without markers').toEqual([]);
    expect(result.stale, 'stale blocks: run `npm run docs`').toEqual([]);
  });

  it('states the default retention the embedded config sets', async () => {
    const text = await readDoc('PRIVACY.md');
    for (const [category, days] of Object.entries(defaultRetentionDays())) {
      expect(text).toMatch(new RegExp(`\\| \`${category}\` +\\|[^|]+\\| ${days} days +\\|`));
    }
  });

  it('names the block that went stale', async () => {
    const text = await readDoc('PRIVACY.md');
    const begin = beginMarker('manifest-standard');
    const tampered = text.replace(`${begin}\n\n`, `${begin}\n\n| \`system.hostname\` | kept |\n\n`);
    expect(tampered).not.toBe(text);
    const result = checkPrivacyDocs(tampered);
    expect(result.stale).toEqual(['manifest-standard']);
    expect(result.text).toBe(text);
  });

  it('reports a block whose markers were removed as missing', async () => {
    const text = (await readDoc('PRIVACY.md')).replace(endMarker('levels-diff'), '');
    expect(checkPrivacyDocs(text).missing).toEqual(['levels-diff']);
  });

  it('embeds exactly what `show` renders for each level', async () => {
    const blocks = privacyDocBlocks();
    expect([...blocks.keys()]).toEqual([
      'manifest-minimal',
      'manifest-standard',
      'manifest-detailed',
      'levels-diff',
      'never-collected',
    ]);
    for (const level of ['minimal', 'standard', 'detailed']) {
      const result = await runCli(['show', '--level', level, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const shown = JSON.parse(result.stdout) as { hash: string; metrics: { name: string }[] };
      const block = blocks.get(`manifest-${level}`)!;
      expect(block).toContain(shown.hash);
      for (const metric of shown.metrics) expect(block).toContain(`\`${metric.name}\``);
    }
  });
});

describe('the docs cover the CLI', () => {
  it('show every registered command in use', async () => {
    const docs = await allDocs();
    const names = (await buildProgram(() => {})).commands.map((c) => c.name());
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) expect(docs, `prism-telemetry ${name}`).toMatch(new RegExp(`prism-telemetry ${name}\\b`));
  });

  it('TROUBLESHOOTING.md explains every error code', async () => {
    const text = await readDoc('TROUBLESHOOTING.md');
    for (const code of Object.keys(ERROR_CODES)) expect(text, code).toContain(`\`${code}\``);
  });

  it('the docs link to each other and to no missing file', async () => {
    for (const name of ['PRIVACY.md', 'USER-CONTROL.md', 'DATA-DELETION.md', 'TROUBLESHOOTING.md']) {
      const text = await readDoc(name);
      for (const [, target] of text.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
        await expect(readFile(path.resolve(DOCS, target!)), `${name} -> ${target}`).resolves.toBeDefined();
      }
    }
  });
});

describe('prism-telemetry show', () => {
  it('prints the config level, its retention and the data directory without the home path', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'config.yaml');
    const local = await readFile(path.join(REPO_ROOT, 'pipelines/local.yaml'), 'utf8');
    await writeFile(
      config,
      local.replace('privacy_level: standard', 'privacy_level: minimal').replace('health: 30d', 'health: 12h'),
    );
    const home = path.join(dir, 'home', 'alice');
    const env = isolatedEnv({ HOME: home });
    const json = await runCli(['show', '--config', config, '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'level',
      'policyVersion',
      'hash',
      'dataDir',
      'retentionDays',
      'metrics',
      'resource',
      'neverCollected',
      'sharing',
    ]);
    expect(body).toMatchObject({
      sharing: [],
      level: 'minimal',
      dataDir: '~/.local/state/prism-telemetry',
      retentionDays: { health: 0.5, level: 90, errors: 7 },
    });
    const text = await runCli(['show', '--config', config], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('privacy level minimal');
    expect(text.stdout).toMatch(/system\.uptime +s +health +0\.5 days/);
    expect(text.stdout).toContain('Never collected');
    expect(text.stdout).toContain('~/.local/state/prism-telemetry');
    expect(text.stdout + text.stderr).not.toContain(home);
  });

  it('says whether going from one level to another widens, as JSON and text', async () => {
    const up = await runCli(['show', '--diff', 'minimal', 'standard', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const diff = JSON.parse(up.stdout) as { widens: boolean; addedMetrics: string[] };
    expect(diff.widens).toBe(true);
    expect(diff.addedMetrics).toContain('system.cpu.time');
    const down = await runCli(['show', '--diff', 'detailed', 'minimal']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('does not widen');
    expect(down.stdout).toMatch(/metric removed +system\.network\.errors/);
  });

  it('rejects an unknown level with exit 2 and lists the valid ones', async () => {
    for (const args of [
      ['--level', 'everything'],
      ['--diff', 'minimal', 'everything'],
      ['--diff', 'minimal'],
    ]) {
      const result = await runCli(['show', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('PT_ERR_USAGE');
      expect(result.stderr).toContain('minimal, standard, detailed');
      expect(result.stdout).toBe('');
    }
  });
});
