import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildManifest, CATEGORIES, DEFAULT_POLICY, type Category, type PrivacyLevel } from '@prism-telemetry/privacy';
import { PrismError } from '../errors.js';
import { dataDirError } from '../store/fs-error.js';
import { checkReceipt } from './effective-mode.js';
import { purgeOutboundQueue } from './queue-purge.js';
import { readState, updateState, type ReadStateResult } from './telemetry-state.js';
import { CONSENT_VERSION, type ConsentEvent, type ConsentReceipt, type Mode, type TelemetryState } from './types.js';

export const CONSENT_HISTORY_FILE_NAME = 'consent-history.jsonl';

export function consentHistoryFile(dataDir: string): string {
  return path.join(dataDir, CONSENT_HISTORY_FILE_NAME);
}

const IO_HINT = 'check the permissions of the data directory, or use --data-dir to pick another directory';

/** Runs one file-system step; a failure becomes PT_ERR_DATA_DIR without Node's message (it embeds full paths). */
async function step<T>(action: string, where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PrismError) throw error;
    throw dataDirError(action, where, error, IO_HINT);
  }
}

/** readState for commands: an I/O failure is reported as PT_ERR_DATA_DIR with a display path. */
export async function readStateForReport(dataDir: string): Promise<ReadStateResult> {
  return step('read state in', dataDir, () => readState(dataDir));
}

function checkUrl(raw: string, what: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not echoed: a mistyped URL can still carry a token.
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', `the ${what} is not an absolute URL`, {
      hint: `pass ${flag} https://host[:port]/path`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', `the ${what} must be an http or https URL, not ${url.protocol}`, {
      hint: `pass ${flag} https://host[:port]/path`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new PrismError('PT_ERR_ENDPOINT_INVALID', `the ${what} contains a user name or password`, {
      hint: `credentials are never stored in a consent receipt; pass ${flag} without them`,
    });
  }
  return url;
}

/** The endpoint as a receipt records it: origin and path, never credentials, query or fragment. */
export function consentEndpoint(raw: string): string {
  const url = checkUrl(raw, 'sharing endpoint', '--endpoint');
  return `${url.origin}${url.pathname}`;
}

/** The policy URL as a receipt records it (normalised; http or https, no credentials). */
export function consentPolicyUrl(raw: string): string {
  return checkUrl(raw, 'policy URL', '--policy-url').href;
}

export interface GrantConsentOptions {
  level: PrivacyLevel;
  /** Where data will be sent; stored as origin + path. */
  endpoint: string;
  policyUrl: string;
  categories: readonly Category[];
  /** Milliseconds since the Unix epoch. */
  now: number;
}

/**
 * Records that the user agreed to share `level` data with `endpoint`, and turns mode `on`. The history line
 * is written before state.json: a receipt in force always has its `granted` line, and a crash in between
 * leaves a history entry for a consent that never took effect, which is harmless.
 */
export async function grantConsent(dataDir: string, options: GrantConsentOptions): Promise<ConsentReceipt> {
  const endpoint = consentEndpoint(options.endpoint);
  const policyUrl = consentPolicyUrl(options.policyUrl);
  const categories = [...new Set(options.categories)];
  const unknown = categories.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (categories.length === 0 || unknown.length > 0) {
    throw new PrismError('PT_ERR_USAGE', `consent needs known categories, got [${categories.join(', ')}]`, {
      hint: `choose from ${CATEGORIES.join(', ')}`,
    });
  }
  const manifest = buildManifest(DEFAULT_POLICY, options.level);
  const at = new Date(options.now).toISOString();
  const receipt: ConsentReceipt = {
    id: randomUUID(),
    timestamp: at,
    consentVersion: CONSENT_VERSION,
    level: options.level,
    categories,
    endpoint,
    policyUrl,
    policyVersion: manifest.policyVersion,
    manifestHash: manifest.hash,
  };
  const { state } = await readStateForReport(dataDir);
  if (state.consent) {
    const reason = 'replaced by a new consent';
    await appendConsentEvent(dataDir, { event: 'revoked', at, receiptId: state.consent.id, reason });
  }
  // Data queued under the replaced receipt (its level, its endpoint) must not go out under the new one, also
  // when no agent runs now to notice the change; emptied first, so a crash in between leaves nothing to send.
  if (state.consent) await step('empty the outbound queue in', dataDir, () => purgeOutboundQueue(dataDir));
  await appendConsentEvent(dataDir, { event: 'granted', at, receipt });
  await step('write state in', dataDir, () =>
    updateState(dataDir, (s) => ({ ...s, mode: 'on', modeSince: sinceFor(s, 'on', at), consent: receipt })),
  );
  return receipt;
}

function sinceFor(state: TelemetryState, mode: Mode, at: string): string {
  return state.mode !== mode || state.modeSince === undefined ? at : state.modeSince;
}

export interface ModeChange {
  previous: TelemetryState;
  state: TelemetryState;
  /** The receipt this change revoked, if one was in force. */
  revoked: ConsentReceipt | undefined;
  /** Files removed from `<data-dir>/queue/`. */
  removedFiles: number;
}

export interface RevokeConsentOptions {
  reason: string;
  now: number;
  /** The mode to set in the same write; default: `local` if the mode was `on`, else unchanged. */
  mode?: Mode;
}

/**
 * Stops sharing: clears the receipt (and sets the mode) in one atomic state write, then records the
 * revocation, then empties the outbound queue. State goes first so that a crash part-way leaves sharing
 * stopped, never a history that says "revoked" while state.json still says "share".
 */
export async function revokeConsent(dataDir: string, options: RevokeConsentOptions): Promise<ModeChange> {
  const at = new Date(options.now).toISOString();
  let previous: TelemetryState | undefined;
  const state = await step('write state in', dataDir, () =>
    updateState(dataDir, (s) => {
      previous = s;
      const mode = options.mode ?? (s.mode === 'on' ? 'local' : s.mode);
      return { ...s, mode, modeSince: sinceFor(s, mode, at), consent: undefined };
    }),
  );
  const before = previous!;
  if (before.consent) {
    await appendConsentEvent(dataDir, { event: 'revoked', at, receiptId: before.consent.id, reason: options.reason });
  }
  const { removedFiles } = await step('empty the outbound queue in', dataDir, () => purgeOutboundQueue(dataDir));
  return { previous: before, state, revoked: before.consent, removedFiles };
}

/**
 * Sets the stored mode. `off` and `local` revoke sharing consent and empty the queue (the user stopped
 * sharing); `on` needs a receipt that still covers the policy, else PT_ERR_CONSENT_REQUIRED.
 */
export async function changeMode(
  dataDir: string,
  mode: Mode,
  options: { now: number; reason?: string },
): Promise<ModeChange> {
  if (mode !== 'on') {
    return revokeConsent(dataDir, { reason: options.reason ?? `mode set to ${mode}`, now: options.now, mode });
  }
  const at = new Date(options.now).toISOString();
  let previous: TelemetryState | undefined;
  const state = await step('write state in', dataDir, () =>
    updateState(dataDir, (s) => {
      previous = s;
      if (!s.consent) {
        throw new PrismError('PT_ERR_CONSENT_REQUIRED', 'mode on needs a consent receipt, and there is none', {
          hint: 'run prism-telemetry enable',
        });
      }
      const check = checkReceipt(s.consent);
      if (!check.valid) {
        throw new PrismError('PT_ERR_CONSENT_REQUIRED', `the consent receipt no longer applies: ${check.reason}`, {
          hint: 'run prism-telemetry enable',
        });
      }
      return { ...s, mode: 'on', modeSince: sinceFor(s, 'on', at) };
    }),
  );
  return { previous: previous!, state, revoked: undefined, removedFiles: 0 };
}

/** Appends one event as one `write` in append mode, so concurrent writers and crashes never interleave lines. */
export async function appendConsentEvent(dataDir: string, event: ConsentEvent): Promise<void> {
  const file = consentHistoryFile(dataDir);
  await step('append to', file, async () => {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const handle = await fs.open(file, 'a', 0o600);
    try {
      await handle.write(JSON.stringify(event) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

function isEvent(value: unknown): value is ConsentEvent {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  if (typeof e['at'] !== 'string') return false;
  if (e['event'] === 'granted') return typeof e['receipt'] === 'object' && e['receipt'] !== null;
  return e['event'] === 'revoked' && typeof e['receiptId'] === 'string' && typeof e['reason'] === 'string';
}

/** Every event in `<data-dir>/consent-history.jsonl`, oldest first; lines that do not parse are skipped. */
export async function readConsentHistory(dataDir: string): Promise<ConsentEvent[]> {
  const file = consentHistoryFile(dataDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw dataDirError('read', file, error, IO_HINT);
  }
  const events: ConsentEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEvent(parsed)) events.push(parsed);
    } catch {
      // A torn or hand-edited line says nothing reliable; the rest of the history still does.
    }
  }
  return events;
}
