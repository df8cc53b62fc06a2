import { defaultConfig } from '../config/default-config.js';
import { loadConfigFile } from '../config/load-config.js';
import type { ConfigResult } from '../config/types.js';

/** `--config FILE`, or the embedded defaults (identical to pipelines/local.yaml) when no file is given. */
export async function loadCliConfig(
  file: string | undefined,
  env: Record<string, string | undefined>,
): Promise<ConfigResult> {
  return file === undefined ? defaultConfig(env) : loadConfigFile(file, env);
}
