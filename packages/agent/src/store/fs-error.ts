import { PrismError } from '../errors.js';
import { displayPath } from './display-path.js';

/**
 * The errno code of a file-system error, or `UNKNOWN`. Messages use the code only: Node's own error messages
 * embed the full path, which may contain the user name.
 */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return 'UNKNOWN';
}

/** A PT_ERR_DATA_DIR error naming what failed and where, without the raw (path-bearing) fs error. */
export function dataDirError(action: string, p: string, err: unknown, hint: string, homedir?: string): PrismError {
  return new PrismError('PT_ERR_DATA_DIR', `cannot ${action} ${displayPath(p, homedir)}: ${errorCode(err)}`, {
    hint,
  });
}
