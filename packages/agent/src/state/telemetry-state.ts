import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isPrivacyLevel } from '@prism-telemetry/privacy';
import { writeFileAtomic } from './atomic-file.js';
import { MODES, type ConsentReceipt, type Mode, type TelemetryState } from './types.js';

export const STATE_FILE_NAME = 'state.json';

export function stateFile(dataDir: string): string {
  return path.join(dataDir, STATE_FILE_NAME);
}

export function defaultState(): TelemetryState {
  return { schemaVersion: 1, mode: 'local', modeSince: undefined, consent: undefined, dataGeneration: 0 };
}

function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

function isReceipt(value: unknown): value is ConsentReceipt {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r['id'] === 'string' &&
    typeof r['timestamp'] === 'string' &&
    typeof r['endpoint'] === 'string' &&
    typeof r['manifestHash'] === 'string' &&
    isPrivacyLevel(r['level']) &&
    Array.isArray(r['categories'])
  );
}

/** Parses a state file's text; undefined when it is not a state file we can trust. */
export function parseState(text: string): TelemetryState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  const s = raw as Record<string, unknown>;
  if (s['schemaVersion'] !== 1 || !isMode(s['mode'])) return undefined;
  const consent = s['consent'] === undefined || s['consent'] === null ? undefined : s['consent'];
  if (consent !== undefined && !isReceipt(consent)) return undefined;
  return {
    schemaVersion: 1,
    mode: s['mode'],
    modeSince: typeof s['modeSince'] === 'string' ? s['modeSince'] : undefined,
    consent,
    dataGeneration: typeof s['dataGeneration'] === 'number' ? s['dataGeneration'] : 0,
  };
}

export interface ReadStateResult {
  state: TelemetryState;
  /** A damaged state file was moved aside (to this name, relative to the data directory). */
  movedAside: string | undefined;
}

/**
 * Reads `<data-dir>/state.json`; a missing file is the default state (`local`). A damaged file is moved
 * aside and the default state returned: privacy fails closed, and `local` never sends anything.
 */
export async function readState(dataDir: string): Promise<ReadStateResult> {
  const file = stateFile(dataDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: defaultState(), movedAside: undefined };
    throw error;
  }
  const state = parseState(text);
  if (state) return { state, movedAside: undefined };
  const aside = `${STATE_FILE_NAME}.damaged-${Date.now()}`;
  await fs.rename(file, path.join(dataDir, aside));
  return { state: defaultState(), movedAside: aside };
}

export async function writeState(dataDir: string, state: TelemetryState): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(stateFile(dataDir), JSON.stringify(state, null, 2) + '\n');
}

/** Read, change, write. Callers serialise updates with the data-directory lock or accept last-writer-wins. */
export async function updateState(
  dataDir: string,
  change: (state: TelemetryState) => TelemetryState,
): Promise<TelemetryState> {
  const { state } = await readState(dataDir);
  const next = change(state);
  await writeState(dataDir, next);
  return next;
}
