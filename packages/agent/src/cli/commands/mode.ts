import { Argument, type Command } from 'commander';
import { PrismError, type ErrorCode } from '../../errors.js';
import { changeMode, readStateForReport, type ModeChange } from '../../state/consent.js';
import { effectiveMode, envFlag } from '../../state/effective-mode.js';
import { MODES, type EffectiveMode, type Mode, type TelemetryState } from '../../state/types.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_INVALID } from '../exit-codes.js';
import { reportError } from '../report-error.js';

// Shared by the mode, enable, disable and status commands.
export const CONFIG_OPTION_HELP = 'pipeline config (YAML); default: the embedded defaults (pipelines/local.yaml)';
export const DATA_DIR_OPTION_HELP =
  'data directory; default: telemetry.data_dir, $PRISM_TELEMETRY_DIR, $XDG_STATE_HOME/prism-telemetry, ~/.local/state/prism-telemetry';

/** Errors the user fixes on the command line (or in the environment) exit 2; the rest exit 1. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PT_ERR_USAGE',
  'PT_ERR_CONFIG_INVALID',
  'PT_ERR_CONFIG_READ',
  'PT_ERR_CONSENT_REQUIRED',
  'PT_ERR_ENDPOINT_INVALID',
  'PT_ERR_TELEMETRY_DISABLED',
]);

/** Prints the error the way every command does and returns the exit code. */
export function failCommand(error: unknown): number {
  const code = reportError(error);
  return error instanceof PrismError && USAGE_CODES.has(error.code) ? EXIT_INVALID : code;
}

export function telemetryDisabledError(what: string): PrismError {
  return new PrismError(
    'PT_ERR_TELEMETRY_DISABLED',
    `PRISM_TELEMETRY_DISABLED is set in the environment, so telemetry is forced off and ${what} would have no effect`,
    { hint: 'unset PRISM_TELEMETRY_DISABLED (or set it to 0), then run the command again' },
  );
}

/** The `effective` object of every --json output. */
export interface EffectiveModeJson {
  mode: Mode;
  sharingAllowed: boolean;
  reason: string;
  forcedBy: EffectiveMode['forcedBy'] | null;
}

export function effectiveJson(effective: EffectiveMode): EffectiveModeJson {
  return {
    mode: effective.mode,
    sharingAllowed: effective.sharingAllowed,
    reason: effective.reason,
    forcedBy: effective.forcedBy ?? null,
  };
}

export function describeEffective(effective: Pick<EffectiveMode, 'mode' | 'sharingAllowed' | 'reason'>): string {
  const sharing = effective.sharingAllowed ? 'sharing' : 'not sharing';
  return `${effective.mode}, ${sharing}: ${effective.reason}`;
}

function since(state: TelemetryState): string {
  return state.modeSince ? `since ${state.modeSince}` : 'the default, never changed';
}

function printCurrent(state: TelemetryState, effective: EffectiveMode, json: boolean): void {
  if (json) {
    const body = { mode: state.mode, modeSince: state.modeSince ?? null, effective: effectiveJson(effective) };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  process.stdout.write(`mode:      ${state.mode} (${since(state)})\neffective: ${describeEffective(effective)}\n`);
}

function printChange(change: ModeChange, effective: EffectiveMode, json: boolean): void {
  if (json) {
    const body = {
      mode: change.state.mode,
      modeSince: change.state.modeSince ?? null,
      previousMode: change.previous.mode,
      revokedReceiptId: change.revoked?.id ?? null,
      removedQueueFiles: change.removedFiles,
      effective: effectiveJson(effective),
    };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  const lines = [`mode:      ${change.state.mode} (was ${change.previous.mode})`];
  if (change.revoked) lines.push(`consent:   receipt ${change.revoked.id} revoked; nothing more will be shared`);
  if (change.state.mode !== 'on') lines.push(`queue:     ${change.removedFiles} queued file(s) removed`);
  lines.push(`effective: ${describeEffective(effective)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerMode(program: Command, setExit: (code: number) => void): void {
  program
    .command('mode')
    .description('show or set the mode: off (collect nothing), local (keep data here), on (also share)')
    .addArgument(new Argument('[mode]', 'the mode to set; omit to print the current one').choices(MODES))
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'off and local revoke sharing consent and empty the outbound queue. on needs a consent receipt that',
        'still covers the policy (run `prism-telemetry enable`), else exit 2.',
        '--json: {mode, modeSince, effective: {mode, sharingAllowed, reason, forcedBy}}; when setting, also',
        'previousMode, revokedReceiptId, removedQueueFiles.',
      ].join('\n'),
    )
    .action(async (mode: Mode | undefined, options: { config?: string; dataDir?: string; json?: boolean }) => {
      try {
        const ctx = await loadCliContext(options);
        if (mode === undefined) {
          const { state } = await readStateForReport(ctx.dataDir);
          printCurrent(state, effectiveMode(state, ctx.env), options.json === true);
          return;
        }
        if (mode === 'on' && envFlag(ctx.env['PRISM_TELEMETRY_DISABLED'])) throw telemetryDisabledError('mode on');
        const change = await changeMode(ctx.dataDir, mode, { now: Date.now() });
        printChange(change, effectiveMode(change.state, ctx.env), options.json === true);
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
