import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const SECRET_BYTES = 32;

export interface InstallSecretOptions {
  /** Directory that holds the secret file (the agent's data directory). */
  dir: string;
  fileName?: string;
  randomBytes?: (size: number) => Uint8Array;
}

export interface InstallSecret {
  secret: Buffer;
  created: boolean;
  /** A damaged secret was moved aside and replaced (old pseudonyms no longer match new ones). */
  replaced: boolean;
}

/**
 * Loads the per-install HMAC key, creating it on first start with mode 0600. Created atomically
 * (temp file + link), so a crash never leaves a half-written key, and two starts racing agree on one key.
 */
export async function loadOrCreateInstallSecret(options: InstallSecretOptions): Promise<InstallSecret> {
  const file = path.join(options.dir, options.fileName ?? 'install-secret');
  const random = options.randomBytes ?? cryptoRandomBytes;
  let replaced = false;
  try {
    const existing = await fs.readFile(file);
    if (existing.length === SECRET_BYTES) {
      await fs.chmod(file, 0o600);
      return { secret: existing, created: false, replaced: false };
    }
    await fs.rename(file, `${file}.damaged-${Date.now()}`);
    replaced = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
  const secret = Buffer.from(random(SECRET_BYTES));
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, secret, { mode: 0o600 });
  try {
    await fs.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await fs.unlink(temp);
    return loadOrCreateInstallSecret(options);
  }
  await fs.unlink(temp);
  return { secret, created: true, replaced };
}

/** Replaces the secret with a new one: every pseudonym made before becomes unlinkable. */
export async function rotateInstallSecret(options: InstallSecretOptions): Promise<Buffer> {
  const file = path.join(options.dir, options.fileName ?? 'install-secret');
  const random = options.randomBytes ?? cryptoRandomBytes;
  const secret = Buffer.from(random(SECRET_BYTES));
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, secret, { mode: 0o600 });
  await fs.rename(temp, file);
  return secret;
}
