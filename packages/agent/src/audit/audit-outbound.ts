import { readLines } from '../export/read-lines.js';
import { OUTBOUND_LOG_FILE_NAME } from '../state/outbound-log.js';
import { errorCode } from '../store/fs-error.js';
import type { FindingKind } from './finding.js';

export interface OutboundAudit {
  attempts: number;
  /** Collect attempts made while the mode was not `on` (blocked ones excluded: they never left). */
  whileNotOn: number;
}

const MODES = new Set(['off', 'local', 'on']);

/**
 * Reads the outbound log. Data may only leave for collection in mode `on`; deletion and consent requests are
 * the user's explicit wish and are allowed in any mode. A `blocked:` result never left the machine.
 */
export async function auditOutboundLog(
  file: string,
  report: (line: number, kind: FindingKind, detail: string) => void,
): Promise<OutboundAudit> {
  const result: OutboundAudit = { attempts: 0, whileNotOn: 0 };
  try {
    for await (const { line, text } of readLines(file)) {
      if (text === undefined) {
        report(line, 'line_too_long', 'the line is too long to be an outbound attempt');
        continue;
      }
      if (text.trim() === '') continue;
      let attempt: Record<string, unknown>;
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        attempt = value as Record<string, unknown>;
      } catch {
        report(line, 'unparseable_line', 'not a JSON outbound attempt');
        continue;
      }
      result.attempts++;
      const { mode, purpose } = attempt;
      const outcome = typeof attempt['result'] === 'string' ? attempt['result'] : '';
      if (purpose !== 'collect' || mode === 'on' || outcome.startsWith('blocked:')) continue;
      result.whileNotOn++;
      const shown = typeof mode === 'string' && MODES.has(mode) ? mode : 'unknown';
      report(line, 'sent_while_not_on', `sent while not in mode on: a collect attempt in mode ${shown}`);
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      report(0, 'unreadable_file', `cannot read ${OUTBOUND_LOG_FILE_NAME}: ${errorCode(error)}`);
    }
  }
  return result;
}
