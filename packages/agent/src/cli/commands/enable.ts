import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import {
  buildManifest,
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  type Category,
  type Manifest,
  type ManifestAttribute,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { AgentConfig } from '../../config/types.js';
import { PrismError } from '../../errors.js';
import { consentEndpoint, consentPolicyUrl, grantConsent, readStateForReport } from '../../state/consent.js';
import { effectiveMode, envFlag } from '../../state/effective-mode.js';
import { DEFAULT_POLICY_URL, firstOtlpHttpEndpoint, manifestCategories } from '../../state/sharing-consent.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_FAILURE } from '../exit-codes.js';
import {
  CONFIG_OPTION_HELP,
  DATA_DIR_OPTION_HELP,
  describeEffective,
  effectiveJson,
  failCommand,
  telemetryDisabledError,
} from './mode.js';

export { DEFAULT_POLICY_URL, manifestCategories } from '../../state/sharing-consent.js';

interface EnableOptions {
  config?: string;
  dataDir?: string;
  level?: PrivacyLevel;
  endpoint?: string;
  policyUrl: string;
  yes?: boolean;
  json?: boolean;
}

/** `--endpoint`, else the first otlphttp exporter's endpoint in the config. */
function chooseEndpoint(flag: string | undefined, config: AgentConfig): string {
  if (flag !== undefined) return flag;
  const configured = firstOtlpHttpEndpoint(config);
  if (configured !== undefined) return configured;
  throw new PrismError('PT_ERR_USAGE', `no endpoint to share with: ${config.source} has no otlphttp exporter`, {
    hint: 'pass --endpoint https://host[:port]/path, or add an otlphttp exporter with an endpoint to the config',
  });
}

const TREATMENT_WORDS = { keep: 'kept', hash: 'hashed', bucket: 'bucketed', drop: 'dropped' } as const;

function describeAttribute(a: ManifestAttribute): string {
  const values = a.values ? ` (one of ${a.values.join(', ')})` : a.treatment === 'keep' ? ' (free-form, checked)' : '';
  return `${a.key} ${TREATMENT_WORDS[a.treatment]}${values}`;
}

/** What the user is asked to agree to: every metric and attribute treatment, derived from the policy itself. */
export function describeSharing(
  manifest: Manifest,
  endpoint: string,
  policyUrl: string,
  categories: readonly Category[],
): string {
  const lines = [
    `Sharing at privacy level ${manifest.level} (policy version ${manifest.policyVersion}, manifest ${manifest.hash.slice(0, 12)})`,
    `  endpoint:   ${endpoint}`,
    `  policy:     ${policyUrl}`,
    `  categories: ${categories.join(', ')}`,
    '',
    'Metrics that will be sent:',
  ];
  for (const m of manifest.metrics) {
    const attrs = m.attributes.length === 0 ? '' : `: ${m.attributes.map(describeAttribute).join('; ')}`;
    lines.push(`  ${m.name} [${m.unit}, ${m.category}]${attrs}`);
  }
  lines.push('', `Resource: ${manifest.resource.map(describeAttribute).join('; ') || 'nothing'}`);
  lines.push('', 'Never collected:', ...manifest.neverCollected.map((n) => `  ${n}`), '');
  return lines.join('\n');
}

/** Asks on the terminal; the prompt goes to `output` so that `--json` keeps stdout for the JSON alone. */
async function confirm(origin: string, yes: boolean, output: NodeJS.WritableStream): Promise<boolean> {
  if (yes) return true;
  if (process.stdin.isTTY !== true) {
    throw new PrismError('PT_ERR_USAGE', 'enable asks for confirmation, but standard input is not a terminal', {
      hint: 'read the summary above, then run `prism-telemetry enable --yes` to confirm',
    });
  }
  const rl = createInterface({ input: process.stdin, output });
  try {
    // Ctrl+D or Ctrl+C at the prompt rejects the question; that is a "no", not a crash.
    const answer = await rl.question(`Send this data to ${origin}? [y/N] `).catch(() => '');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function registerEnable(program: Command, setExit: (code: number) => void): void {
  program
    .command('enable')
    .description('show what would be shared, ask for consent, record a receipt and turn sharing on')
    .addOption(
      new Option('--level <level>', 'privacy level to share at; default: telemetry.privacy_level').choices(
        PRIVACY_LEVELS,
      ),
    )
    .option('--endpoint <url>', "where to send; default: the config's first otlphttp exporter endpoint")
    .option('--policy-url <url>', 'the privacy policy the user agrees to', DEFAULT_POLICY_URL)
    .option('-y, --yes', 'consent without the prompt (required when standard input is not a terminal)')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--json', 'print the receipt as JSON (the summary goes to stderr)')
    .addHelpText(
      'after',
      [
        '',
        'The receipt (id, time, level, categories, endpoint origin+path, policy URL, policy version, manifest',
        'hash) is kept in state.json and appended to consent-history.jsonl. Exit 2 without a terminal and',
        'without --yes, or when PRISM_TELEMETRY_DISABLED is set; exit 1 when you answer no.',
        '--json: {enabled, receipt, effective: {mode, sharingAllowed, reason, forcedBy}}.',
      ].join('\n'),
    )
    .action(async (options: EnableOptions) => {
      try {
        const ctx = await loadCliContext(options);
        if (envFlag(ctx.env['PRISM_TELEMETRY_DISABLED'])) throw telemetryDisabledError('enable');
        const level = options.level ?? ctx.config.telemetry.privacyLevel;
        const endpoint = consentEndpoint(chooseEndpoint(options.endpoint, ctx.config));
        const policyUrl = consentPolicyUrl(options.policyUrl);
        const manifest = buildManifest(DEFAULT_POLICY, level);
        const categories = manifestCategories(manifest);
        const out = options.json ? process.stderr : process.stdout;
        out.write(describeSharing(manifest, endpoint, policyUrl, categories) + '\n');
        if (envFlag(ctx.env['DO_NOT_TRACK'])) {
          process.stderr.write(
            'warning: DO_NOT_TRACK is set: nothing will be sent while it is set; the consent applies once it is unset\n',
          );
        }
        if (!(await confirm(new URL(endpoint).origin, options.yes === true, out))) {
          process.stderr.write('not enabled: you answered no; nothing changed\n');
          setExit(EXIT_FAILURE);
          return;
        }
        const receipt = await grantConsent(ctx.dataDir, {
          level,
          endpoint,
          policyUrl,
          categories,
          now: Date.now(),
        });
        const { state } = await readStateForReport(ctx.dataDir);
        const effective = effectiveMode(state, ctx.env);
        if (options.json) {
          const body = { enabled: true, receipt, effective: effectiveJson(effective) };
          process.stdout.write(JSON.stringify(body, null, 2) + '\n');
          return;
        }
        process.stdout.write(
          [
            `sharing enabled: mode on, consent receipt ${receipt.id} recorded in consent-history.jsonl`,
            `effective: ${describeEffective(effective)}`,
            'undo with `prism-telemetry disable` (or `prism-telemetry mode local` to keep collecting locally)',
            '',
          ].join('\n'),
        );
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
