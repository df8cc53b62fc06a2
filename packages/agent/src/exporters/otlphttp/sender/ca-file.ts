import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { PrismError } from '../../../errors.js';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads a PEM CA bundle once, at start-up, and checks that every certificate in it parses, so a bad file is a
 * start-up error naming the setting rather than a TLS failure on every send. Messages name the config key and
 * the errno, never the path (it can hold a user name) nor the file's contents.
 */
export function readCaFile(path: string, configKey: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'EIO';
    throw new PrismError('PT_ERR_CONFIG_INVALID', `${configKey}: the CA file could not be read (${code})`, {
      hint: 'give the absolute path of a PEM file the agent can read',
    });
  }
  const blocks = pem.toString('latin1').match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new PrismError('PT_ERR_CONFIG_INVALID', `${configKey}: the CA file holds no PEM certificate`, {
      hint: `give a file with one or more "${PEM_CERTIFICATE}" blocks`,
    });
  }
  try {
    // OpenSSL's secure context skips a certificate it cannot parse without a word; parsing each one does not.
    for (const block of blocks) new X509Certificate(block);
  } catch {
    throw new PrismError('PT_ERR_CONFIG_INVALID', `${configKey}: the CA file holds a certificate OpenSSL cannot read`, {
      hint: 'check that each certificate is complete PEM (e.g. `openssl x509 -in <file> -noout`)',
    });
  }
  return pem;
}
