import { readFile, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readMetricFiles, tempDir } from './support/cli.js';

const run = promisify(execFile);

/** The README's library example, exactly as printed there. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the privacy layer in your own OpenTelemetry JS app'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('no ts code block in the README library section');
  return match[1]!;
}

describe('the README library example', () => {
  it('is at most five lines, and an app running it stores only what the policy allows', async () => {
    const snippet = await readmeSnippet();
    expect(snippet.trim().split('\n').length).toBeLessThanOrEqual(5);

    const dir = await tempDir();
    const app = path.join(REPO_ROOT, 'test', `.readme-app-${process.pid}.ts`);
    await writeFile(
      app,
      [
        "import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';",
        "import { createPrivacy, loadOrCreateInstallSecret } from '@prism-telemetry/privacy';",
        "import { createFileExporter } from '@prism-telemetry/agent';",
        `process.chdir(${JSON.stringify(dir)});`,
        snippet,
        "const meter = provider.getMeter('my-app');",
        "meter.createGauge('prism.app.level').record(42);",
        "meter.createCounter('user.logins').add(1, { 'user.email': 'alice.canary@example.com' });",
        "meter.createCounter('prism.errors.critical').add(1, { 'error.type': 'Timeout', 'user.id': 'alice.canary' });",
        'await provider.shutdown();',
        '',
      ].join('\n'),
    );
    try {
      await run(process.execPath, ['--import', 'tsx', app], { cwd: REPO_ROOT });
    } finally {
      await import('node:fs/promises').then((fs) => fs.rm(app, { force: true }));
    }
    const text = [...(await readMetricFiles(path.join(dir, 'telemetry'))).values()].flat().join('\n');
    expect(text).toContain('"prism.app.level"');
    expect(text).toContain('"prism.errors.critical"');
    expect(text).not.toContain('user.logins');
    expect(text).not.toContain('alice.canary');
  });
});
