import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PrismError } from '../errors.js';
import { displayPath } from './display-path.js';
import { dataDirError, errorCode } from './fs-error.js';
import { metricsDir } from './layout.js';

export type DataDirSource = 'flag' | 'PRISM_TELEMETRY_DIR' | 'XDG_STATE_HOME' | 'default';

export interface ResolveDataDirOptions {
  /** `--data-dir` from the command line. */
  flag?: string;
  env: Record<string, string | undefined>;
  homedir: string;
}

/**
 * Where the agent keeps its data, first match wins: `--data-dir`, `$PRISM_TELEMETRY_DIR`,
 * `$XDG_STATE_HOME/prism-telemetry`, `<home>/.local/state/prism-telemetry`. Empty values count as unset, and a
 * relative `XDG_STATE_HOME` is ignored, as the XDG Base Directory spec requires.
 */
export function resolveDataDir(options: ResolveDataDirOptions): { path: string; source: DataDirSource } {
  const { flag, env, homedir } = options;
  if (flag) return { path: path.resolve(flag), source: 'flag' };
  const fromEnv = env['PRISM_TELEMETRY_DIR'];
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'PRISM_TELEMETRY_DIR' };
  const xdg = env['XDG_STATE_HOME'];
  if (xdg && path.isAbsolute(xdg)) return { path: path.join(xdg, 'prism-telemetry'), source: 'XDG_STATE_HOME' };
  return { path: path.join(homedir, '.local', 'state', 'prism-telemetry'), source: 'default' };
}

const HINT = 'check the permissions of the directory and its parents, or use --data-dir to pick another directory';

/**
 * Creates the data directory and `metrics/` with mode 0700 (the data is only the user's business).
 * An existing directory is kept as it is, but must be writable.
 */
export async function ensureDataDir(dataDir: string, options: { homedir?: string } = {}): Promise<void> {
  for (const dir of [dataDir, metricsDir(dataDir)]) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = errorCode(err);
      if (code === 'EEXIST' || code === 'ENOTDIR') {
        throw new PrismError('PT_ERR_DATA_DIR', `${displayPath(dir, options.homedir)} is not a directory (${code})`, {
          hint: 'remove or rename the file in the way, or use --data-dir to pick another directory',
        });
      }
      throw dataDirError('create data directory', dir, err, HINT, options.homedir);
    }
  }
  try {
    await access(metricsDir(dataDir), constants.W_OK);
  } catch (err) {
    throw dataDirError('write to data directory', metricsDir(dataDir), err, HINT, options.homedir);
  }
}
