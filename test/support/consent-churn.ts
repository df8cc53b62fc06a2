/**
 * Child process for the state crash test: alternates `grantConsent` (mode on + receipt) with
 * `changeMode` to local or off (revoking it), through the real state functions. Before each update it prints
 * `before <mode> <modeSince>` and after the update has committed `after <mode> <modeSince>`; every update
 * changes the mode and uses its own clock value, so each printed value is unique. The parent kills it with SIGKILL.
 */
import { writeSync } from 'node:fs';
import { changeMode, grantConsent } from '../../packages/agent/src/state/consent.js';

const dataDir = process.argv[2];
const updates = Number(process.argv[3] ?? '1000');
if (!dataDir || !Number.isSafeInteger(updates)) throw new Error('usage: consent-churn <data-dir> [updates]');

// Synchronous writes: a line printed is in the pipe before the next update starts, whenever the kill comes.
const print = (line: string): void => void writeSync(1, `${line}\n`);
const START = Date.UTC(2026, 0, 1);

print('ready');
for (let i = 1; i <= updates; i++) {
  const now = START + i * 1000;
  const mode = i % 2 === 1 ? 'on' : i % 4 === 0 ? 'off' : 'local';
  const value = `${mode} ${new Date(now).toISOString()}`;
  print(`before ${value}`);
  if (mode === 'on') {
    await grantConsent(dataDir, {
      level: 'standard',
      endpoint: 'https://collector.example/v1/metrics',
      policyUrl: 'https://corrective-drift.com/privacy',
      categories: ['health'],
      now,
    });
  } else {
    await changeMode(dataDir, mode, { now, reason: 'crash test' });
  }
  print(`after ${value}`);
}
print('done');
