import { promises as fs } from 'node:fs';
import { outboundLogFile } from '../state/outbound-log.js';
import type { OutboundAttempt } from '../state/types.js';

/**
 * Where a request goes, fit for the outbound log and for output: scheme, host, port and path. User info
 * (`user:password@`), query and fragment are left out because they carry credentials and tokens.
 * Anything that does not parse as a URL is logged as `(invalid url)` rather than echoed.
 */
export function destinationOf(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '(invalid url)';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * Appends one attempt to `<data-dir>/outbound.jsonl`. The line goes out in a single append-mode write, so
 * concurrent writers (agent and CLI) never interleave inside a line and a crash leaves at most a torn tail.
 * The file is the user's record of what left the machine, so it is created 0600 like everything else here.
 */
export async function recordOutboundAttempt(dataDir: string, attempt: OutboundAttempt): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const line = JSON.stringify({ ...attempt, destination: destinationOf(attempt.destination) }) + '\n';
  await fs.appendFile(outboundLogFile(dataDir), line, { mode: 0o600 });
}
