/** What a request that got no HTTP answer comes to: a short code, and whether trying again can help. */
export interface RequestFailure {
  retryable: boolean;
  reason: string;
}

/**
 * Certificate problems are settings (a missing `tls.ca_file`, a wrong host name in the endpoint): trying again
 * cannot fix them. Keys are Node's and OpenSSL's error codes; values the short reasons the outbound log shows.
 */
const TLS_REASONS: ReadonlyMap<string, string> = new Map([
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_self_signed'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_self_signed'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_untrusted'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'tls_untrusted'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls_untrusted'],
  ['CERT_UNTRUSTED', 'tls_untrusted'],
  ['CERT_REJECTED', 'tls_untrusted'],
  ['CERT_HAS_EXPIRED', 'tls_expired'],
  ['CERT_NOT_YET_VALID', 'tls_not_yet_valid'],
  ['CERT_REVOKED', 'tls_revoked'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_hostname_mismatch'],
  ['HOSTNAME_MISMATCH', 'tls_hostname_mismatch'],
  ['CERT_SIGNATURE_FAILURE', 'tls_bad_certificate'],
  ['INVALID_CA', 'tls_bad_certificate'],
  ['INVALID_PURPOSE', 'tls_bad_certificate'],
  ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_not_tls'],
]);

/** The network is down or the server is not there yet: the next attempt may well succeed. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EAI_AGAIN',
  // A name that does not resolve is often a resolver that is not up yet (boot, VPN), not a typo.
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
]);

/**
 * Classifies an error from `http.request`. The reason is built from the error's `code` only: messages can carry
 * a host name or address, which must stay out of the outbound log. Unknown codes are retryable under a fixed
 * reason, so a surprise in the network stack costs a retry, not a batch.
 */
export function classifyRequestError(error: unknown): RequestFailure {
  const code = errorCode(error);
  if (code === undefined) return { retryable: true, reason: 'network_error' };
  const tls = TLS_REASONS.get(code);
  if (tls !== undefined) return { retryable: false, reason: tls };
  // An https endpoint on a port that speaks plain HTTP: Node reports OpenSSL's record error as a bare EPROTO.
  if (code === 'EPROTO' && error instanceof Error && error.message.includes('wrong version number')) {
    return { retryable: false, reason: 'tls_not_tls' };
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
    return { retryable: false, reason: 'tls_handshake' };
  }
  if (RETRYABLE_CODES.has(code)) return { retryable: true, reason: code };
  return { retryable: true, reason: 'network_error' };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : undefined;
}
