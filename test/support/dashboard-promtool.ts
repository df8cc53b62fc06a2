import { spawn, spawnSync } from 'node:child_process';

export const PROMTOOL = '/usr/bin/promtool';

/** Whether `promtool` can run here; under CI=true its absence is a failure, not a skip (see the tests). */
export function promtoolAvailable(): boolean {
  return spawnSync(PROMTOOL, ['--version']).status === 0;
}

/** `promtool check metrics` on `text`: its exit code and what it said (problems go to stderr). */
export function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
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
