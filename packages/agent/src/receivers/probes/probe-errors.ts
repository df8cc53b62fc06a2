/**
 * Why a probe failed, as a short fixed phrase. Drivers put hosts, users and whole connection strings into their
 * messages (fetch even echoes a URL with its password), so a probe's outcome is never the driver's text: only
 * these phrases, picked from error codes, reach data, logs and status output.
 */
export const PROBE_ERROR_CODES = [
  'connection refused',
  'timed out',
  'authentication failed',
  'host not found',
  'host unreachable',
  'connection reset',
  'connection closed',
  'TLS error',
  'database not found',
  'server error',
  'unexpected answer',
  'unsupported protocol',
  'failed',
] as const;

/** One of PROBE_ERROR_CODES, or `HTTP <status>` for an HTTP check that got an unexpected status. */
export type ProbeErrorCode = (typeof PROBE_ERROR_CODES)[number] | `HTTP ${number}`;

/** A failure a probe has already classified; its message is the code, so it is safe wherever it ends up. */
export class ProbeFailure extends Error {
  readonly code: ProbeErrorCode;

  constructor(code: ProbeErrorCode) {
    super(code);
    this.name = 'ProbeFailure';
    this.code = code;
  }
}

const BY_SYSTEM_CODE: ReadonlyMap<string, ProbeErrorCode> = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host not found'],
  ['EAI_NONAME', 'host not found'],
  ['EAI_FAIL', 'host not found'],
  ['ETIMEDOUT', 'timed out'],
  ['UND_ERR_CONNECT_TIMEOUT', 'timed out'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'host unreachable'],
  ['EHOSTDOWN', 'host unreachable'],
  ['ENETDOWN', 'host unreachable'],
  ['ECONNRESET', 'connection reset'],
  ['ECONNABORTED', 'connection reset'],
  ['EPIPE', 'connection reset'],
  ['UND_ERR_SOCKET', 'connection reset'],
  ['UND_ERR_CLOSED', 'connection closed'],
]);

/** OpenSSL's certificate codes and Node's TLS codes. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** The codes of an error, its causes and, for AggregateError (one per address tried), its members. */
function codesOf(error: unknown, depth = 0): string[] {
  if (depth > 4 || error === null || typeof error !== 'object') return [];
  const codes: string[] = [];
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') codes.push(code);
  const members = (error as { errors?: unknown }).errors;
  if (Array.isArray(members)) for (const member of members) codes.push(...codesOf(member, depth + 1));
  codes.push(...codesOf((error as { cause?: unknown }).cause, depth + 1));
  return codes;
}

/** Maps any error a probe threw to a ProbeErrorCode; never looks at, or returns, the error's message. */
export function classifyProbeError(error: unknown): ProbeErrorCode {
  if (error instanceof ProbeFailure) return error.code;
  for (const code of codesOf(error)) {
    const known = BY_SYSTEM_CODE.get(code);
    if (known) return known;
    if (TLS_CODE.test(code)) return 'TLS error';
  }
  return 'failed';
}

/** `service "cache": connection refused`; the name is a config key, already restricted to [A-Za-z0-9_.-]. */
export function describeProbeResult(service: string, result: { up: boolean; errorCode?: string }): string {
  return `service "${service}": ${result.up ? 'up' : (result.errorCode ?? 'failed')}`;
}
