import type { Command } from 'commander';
import {
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  buildManifest,
  diffManifests,
  isPrivacyLevel,
  narrowerLevel,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { AgentConfig } from '../../config/types.js';
import { destinationOf } from '../../outbound/outbound-log.js';
import { pipelineLevel } from '../../pipeline/build-pipelines.js';
import { PrismError } from '../../errors.js';
import { displayPath } from '../../store/display-path.js';
import { retentionDaysOf } from '../../transparency/manifest-tables.js';
import { renderDiff } from '../../transparency/render-diff.js';
import { renderManifest, renderNeverCollected } from '../../transparency/render-manifest.js';
import { loadCliContext } from '../cli-context.js';
import { formatBytes } from '../format-bytes.js';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface ShowOptions {
  level?: string;
  json?: boolean;
  diff?: string[];
  config?: string;
  dataDir?: string;
}

function parseLevel(value: string, flag: string): PrivacyLevel {
  if (isPrivacyLevel(value)) return value;
  throw new PrismError('PT_ERR_USAGE', `${flag}: "${value}" is not a privacy level`, {
    hint: `use one of: ${PRIVACY_LEVELS.join(', ')}`,
  });
}

const print = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function showDiff(levels: readonly string[], json: boolean): void {
  if (levels.length !== 2) {
    throw new PrismError('PT_ERR_USAGE', `--diff takes two privacy levels, got ${levels.length}`, {
      hint: `e.g. \`prism-telemetry show --diff minimal standard\`; levels: ${PRIVACY_LEVELS.join(', ')}`,
    });
  }
  const from = buildManifest(DEFAULT_POLICY, parseLevel(levels[0]!, '--diff'));
  const to = buildManifest(DEFAULT_POLICY, parseLevel(levels[1]!, '--diff'));
  const diff = diffManifests(from, to);
  print(json ? JSON.stringify(diff, null, 2) : renderDiff(diff, from, to, 'text'));
}

/**
 * Each sharing exporter and the widest level it can send: its pipeline's level, narrowed by its own
 * `privacy_level`. The consent receipt narrows further at run time (`status` shows the level in force).
 */
function sharingExporters(
  config: AgentConfig,
): Array<{ exporter: string; destination: string; maxLevel: PrivacyLevel }> {
  const out = [];
  for (const [id, exporter] of Object.entries(config.exporters)) {
    if (exporter.type !== 'otlphttp') continue;
    const levels = config.pipelines.filter((p) => p.exporters.includes(id)).map((p) => pipelineLevel(config, p));
    let maxLevel = levels.reduce(
      (a, b) => (narrowerLevel(a, b) === a ? b : a),
      levels[0] ?? config.telemetry.privacyLevel,
    );
    if (exporter.privacyLevel) maxLevel = narrowerLevel(maxLevel, exporter.privacyLevel);
    out.push({ exporter: id, destination: destinationOf(exporter.endpoint), maxLevel });
  }
  return out;
}

async function showManifest(options: ShowOptions): Promise<void> {
  // Validate the flag before reading any config, so a typo is a usage error whatever the config says.
  const flagLevel = options.level === undefined ? undefined : parseLevel(options.level, '--level');
  const context = await loadCliContext({
    ...(options.config ? { config: options.config } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const { telemetry } = context.config;
  const manifest = buildManifest(DEFAULT_POLICY, flagLevel ?? telemetry.privacyLevel);
  const retentionDays = retentionDaysOf(telemetry.retentionMillis);
  const dataDir = displayPath(context.dataDir, context.homedir);
  if (options.json) {
    const { level, policyVersion, hash, metrics, resource, neverCollected } = manifest;
    const sharing = sharingExporters(context.config);
    print(
      JSON.stringify(
        { level, policyVersion, hash, dataDir, retentionDays, metrics, resource, neverCollected, sharing },
        null,
        2,
      ),
    );
    return;
  }
  const source = flagLevel ? '--level' : 'telemetry.privacy_level in the config';
  print(
    [
      `What Prism Telemetry collects at privacy level ${manifest.level} (from ${source})`,
      '',
      renderManifest(manifest, { format: 'text', retentionDays }),
      '',
      renderNeverCollected(manifest, 'text'),
      '',
      `Stored in ${dataDir} (from ${context.dataDirSource}), as metrics/<category>/<YYYY-MM-DD>.jsonl;`,
      `  files older than their retention are removed, and the oldest go first above ${formatBytes(telemetry.maxTotalBytes)}.`,
      'Nothing leaves this machine unless sharing is turned on with consent; `prism-telemetry status` says whether it is.',
      ...sharingExporters(context.config).map(
        (s) =>
          `Sharing exporter ${s.exporter} -> ${s.destination} sends at most level ${s.maxLevel}` +
          ' (never wider than the consent receipt; `prism-telemetry show --level ' +
          s.maxLevel +
          '` lists it).',
      ),
    ].join('\n'),
  );
}

export function registerShow(program: Command, setExit: (code: number) => void): void {
  program
    .command('show')
    .description('show exactly what is collected at a privacy level, where it is stored and for how long')
    .option('-l, --level <level>', `privacy level to show (${PRIVACY_LEVELS.join(', ')}); default: the config's`)
    .option(
      '--diff <levels...>',
      'compare two levels, e.g. `--diff minimal standard`, and say if consent must be renewed',
    )
    .option('--json', 'print the manifest (or, with --diff, the diff) as JSON')
    .option('-c, --config <file>', 'pipeline config (YAML) for the level, retention and data directory')
    .option('-d, --data-dir <dir>', 'data directory to report; default: resolved as `start` does')
    .addHelpText(
      'after',
      '\nExit codes: 0 shown, 1 failure, 2 invalid level, option or config.\n' +
        'The same tables, for every level, are in docs/PRIVACY.md.\n',
    )
    .action(async (options: ShowOptions) => {
      try {
        if (options.diff) showDiff(options.diff, options.json === true);
        else await showManifest(options);
        setExit(EXIT_OK);
      } catch (error) {
        const code = reportError(error);
        const invalid =
          error instanceof PrismError &&
          ['PT_ERR_USAGE', 'PT_ERR_CONFIG_INVALID', 'PT_ERR_CONFIG_READ'].includes(error.code);
        setExit(invalid ? EXIT_INVALID : code);
      }
    });
}
