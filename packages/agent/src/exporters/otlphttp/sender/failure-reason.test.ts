import { describe, expect, it } from 'vitest';
import { classifyRequestError } from './failure-reason.js';

function withCode(code: unknown, message = 'connect ECONNREFUSED 10.1.2.3:443 secret.example'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyRequestError', () => {
  it('retries network errors under their code', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENOTFOUND']) {
      expect(classifyRequestError(withCode(code))).toEqual({ retryable: true, reason: code });
    }
  });

  it('fails certificate problems for good, under short tls_ reasons', () => {
    expect(classifyRequestError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'))).toEqual({
      retryable: false,
      reason: 'tls_self_signed',
    });
    expect(classifyRequestError(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toEqual({
      retryable: false,
      reason: 'tls_untrusted',
    });
    expect(classifyRequestError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))).toEqual({
      retryable: false,
      reason: 'tls_hostname_mismatch',
    });
    expect(classifyRequestError(withCode('CERT_HAS_EXPIRED'))).toEqual({ retryable: false, reason: 'tls_expired' });
    expect(classifyRequestError(withCode('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'))).toEqual({
      retryable: false,
      reason: 'tls_handshake',
    });
  });

  it('never passes on a message, and retries what it does not know under a fixed reason', () => {
    expect(classifyRequestError(new Error('socket hang up at 10.1.2.3'))).toEqual({
      retryable: true,
      reason: 'network_error',
    });
    expect(classifyRequestError(withCode('EWHATEVER'))).toEqual({ retryable: true, reason: 'network_error' });
    expect(classifyRequestError(withCode('not a code: 10.1.2.3'))).toEqual({
      retryable: true,
      reason: 'network_error',
    });
    expect(classifyRequestError(withCode(42))).toEqual({ retryable: true, reason: 'network_error' });
    expect(classifyRequestError('a string')).toEqual({ retryable: true, reason: 'network_error' });
  });
});
