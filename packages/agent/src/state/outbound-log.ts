import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODES, type OutboundAttempt } from './types.js';

export const OUTBOUND_LOG_FILE_NAME = 'outbound.jsonl';

export function outboundLogFile(dataDir: string): string {
  return path.join(dataDir, OUTBOUND_LOG_FILE_NAME);
}

const PURPOSES: readonly string[] = ['collect', 'delete', 'consent'];

function isAttempt(value: unknown): value is OutboundAttempt {
  if (value === null || typeof value !== 'object') return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a['at'] === 'string' &&
    typeof a['destination'] === 'string' &&
    typeof a['bytes'] === 'number' &&
    typeof a['result'] === 'string' &&
    (MODES as readonly unknown[]).includes(a['mode']) &&
    PURPOSES.includes(a['purpose'] as string)
  );
}

/**
 * Every attempt recorded in `<data-dir>/outbound.jsonl`, oldest first. Lines that do not parse as an
 * OutboundAttempt (a torn last line, a future field layout) are skipped: this is a report, not a gate.
 */
export async function readOutboundAttempts(dataDir: string): Promise<OutboundAttempt[]> {
  let text: string;
  try {
    text = await fs.readFile(outboundLogFile(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const attempts: OutboundAttempt[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isAttempt(parsed)) attempts.push(parsed);
    } catch {
      continue;
    }
  }
  return attempts;
}

/**
 * The most recent attempt whose bytes reached the other side: `sent` (collect) or `sent:<status>` (a
 * request that got an HTTP answer, such as a remote delete). Undefined when nothing ever left.
 */
export async function lastSend(dataDir: string): Promise<OutboundAttempt | undefined> {
  const attempts = await readOutboundAttempts(dataDir);
  for (let i = attempts.length - 1; i >= 0; i--) {
    const attempt = attempts[i]!;
    if (attempt.result === 'sent' || attempt.result.startsWith('sent:')) return attempt;
  }
  return undefined;
}
