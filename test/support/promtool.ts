import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'vitest';

const PROMTOOL = '/usr/bin/promtool';

/**
 * Asserts that `promtool check metrics` accepts `text` without a word (problems go to its stderr). Without
 * promtool the check is skipped with a warning, except under CI=true, where its absence fails the test.
 */
export async function expectPromtoolAccepts(text: string): Promise<void> {
  if (spawnSync(PROMTOOL, ['--version']).status !== 0) {
    expect(process.env['CI'], 'promtool is required under CI=true').not.toBe('true');
    console.warn(`${PROMTOOL} not found (apt-get install prometheus); skipping its check`);
    return;
  }
  const check = await checkMetrics(text);
  expect(check.output).toBe('');
  expect(check.code).toBe(0);
}

function checkMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics']);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}
