import os from 'node:os';
import type { AgentConfig } from '../config/types.js';
import { formatConfigIssues } from '../config/format-issues.js';
import { PrismError } from '../errors.js';
import { resolveDataDir, type DataDirSource } from '../store/data-dir.js';
import { loadCliConfig } from './load-config.js';

export interface CliContext {
  config: AgentConfig;
  dataDir: string;
  dataDirSource: DataDirSource | 'config';
  env: Record<string, string | undefined>;
  homedir: string;
}

/**
 * What every command that works on a data directory needs: the config (`--config`, else the embedded
 * defaults) and the data directory, resolved exactly as `start` resolves it.
 */
export async function loadCliContext(options: { config?: string; dataDir?: string }): Promise<CliContext> {
  const env = process.env;
  const result = await loadCliConfig(options.config, env);
  if (!result.ok) {
    throw new PrismError(
      'PT_ERR_CONFIG_INVALID',
      `the configuration has errors:\n${formatConfigIssues(result.errors)}`,
      {
        hint: 'run `prism-telemetry validate --config FILE` for details',
      },
    );
  }
  const homedir = os.homedir();
  const flag = options.dataDir ?? result.config.telemetry.dataDir;
  const resolved = resolveDataDir({ ...(flag ? { flag } : {}), env, homedir });
  const dataDirSource = !options.dataDir && result.config.telemetry.dataDir ? 'config' : resolved.source;
  return { config: result.config, dataDir: resolved.path, dataDirSource, env, homedir };
}
