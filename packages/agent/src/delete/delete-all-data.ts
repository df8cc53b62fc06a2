import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { rotateInstallSecret } from '@prism-telemetry/privacy';
import { alertsDir } from '../alerts/store.js';
import { purgeOutboundQueue, queueDir } from '../state/queue-purge.js';
import { updateState } from '../state/telemetry-state.js';
import { metricsDir } from '../store/layout.js';
import { measureContents, removeContents, type Removed } from './remove-contents.js';

/** What `delete --all` keeps, and why: they are the user's own record, not telemetry. */
export const KEPT_RECORDS: ReadonlyArray<{ file: string; why: string }> = [
  { file: 'state.json', why: 'the mode you chose (and the consent in force)' },
  { file: 'consent-history.jsonl', why: 'your record of every consent given and revoked' },
  { file: 'outbound.jsonl', why: 'your record of everything that left this machine' },
];

export interface DeleteAllResult {
  metrics: Removed;
  queue: Removed;
  /** Alert events are derived from the collected data, so they go with it. */
  alerts: Removed;
  /** Secrets a damaged-secret repair had moved aside: old keys, removed so old pseudonyms stay unlinkable. */
  oldSecrets: number;
  dataGeneration: number;
}

/**
 * Deletes all telemetry data in a data directory, safely while an agent runs on it: the stored and pending
 * data go, the install secret is replaced (pseudonyms made before cannot be linked to new ones), and
 * `dataGeneration` is bumped last, so a running agent reloads its secret and reopens its files only once
 * the old ones are gone. Records it writes in the meantime land in the removed files and vanish with them.
 */
export async function deleteAllData(dataDir: string): Promise<DeleteAllResult> {
  const metrics = await removeContents(metricsDir(dataDir));
  const queueBytes = (await measureContents(queueDir(dataDir))).bytes;
  const queue = { files: (await purgeOutboundQueue(dataDir)).removedFiles, bytes: queueBytes };
  const alerts = await removeContents(alertsDir(dataDir));
  const oldSecrets = await removeOldSecrets(dataDir);
  await rotateInstallSecret({ dir: dataDir });
  const state = await updateState(dataDir, (s) => ({ ...s, dataGeneration: s.dataGeneration + 1 }));
  return { metrics, queue, alerts, oldSecrets, dataGeneration: state.dataGeneration };
}

async function removeOldSecrets(dataDir: string): Promise<number> {
  const names = (await readdir(dataDir)).filter((n) => /^install-secret\.damaged-\d+$/.test(n));
  for (const name of names) await rm(path.join(dataDir, name), { force: true });
  return names.length;
}
