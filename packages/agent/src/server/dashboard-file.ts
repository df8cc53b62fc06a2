import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';

/** `<data-dir>/dashboard.json`: where a running agent's dashboard is, for `prism-telemetry dashboard`. */
export const DASHBOARD_FILE_NAME = 'dashboard.json';

export interface DashboardFile {
  /** The URL with this launch's token in its fragment: it grants the API, hence mode 0600. */
  url: string;
  pid: number;
  startedAt: string;
  /** The socket's own address (`server.address()`): how a test proves it is loopback only. */
  bound?: { address: string; family: string; port: number };
}

export function dashboardFile(dataDir: string): string {
  return path.join(dataDir, DASHBOARD_FILE_NAME);
}

export async function writeDashboardFile(dataDir: string, content: DashboardFile): Promise<void> {
  await writeFileAtomic(dashboardFile(dataDir), JSON.stringify(content, null, 2) + '\n', 0o600);
}

export async function removeDashboardFile(dataDir: string): Promise<void> {
  await rm(dashboardFile(dataDir), { force: true });
}

/** The file's content, or undefined when there is none or it is not one we wrote. */
export async function readDashboardFile(dataDir: string): Promise<DashboardFile | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(dashboardFile(dataDir), 'utf8'));
  } catch {
    return undefined;
  }
  const d = parsed as Record<string, unknown> | null;
  if (!d || typeof d['url'] !== 'string' || typeof d['pid'] !== 'number' || typeof d['startedAt'] !== 'string') {
    return undefined;
  }
  const bound = d['bound'] as DashboardFile['bound'] | undefined;
  return { url: d['url'], pid: d['pid'], startedAt: d['startedAt'], ...(bound ? { bound } : {}) };
}
