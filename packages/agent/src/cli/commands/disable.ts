import type { Command } from 'commander';
import { revokeConsent } from '../../state/consent.js';
import { effectiveMode } from '../../state/effective-mode.js';
import { loadCliContext } from '../cli-context.js';
import { CONFIG_OPTION_HELP, DATA_DIR_OPTION_HELP, describeEffective, effectiveJson, failCommand } from './mode.js';

export function registerDisable(program: Command, setExit: (code: number) => void): void {
  program
    .command('disable')
    .description('turn telemetry off: mode off, revoke sharing consent, empty the outbound queue')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--json', 'print what was done as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Collected files stay where they are (`prism-telemetry delete` removes them); a running agent stops',
        'collecting within a few seconds. Use `prism-telemetry mode local` to stop sharing but keep collecting.',
        '--json: {mode, previousMode, revokedReceiptId, removedQueueFiles, effective}.',
      ].join('\n'),
    )
    .action(async (options: { config?: string; dataDir?: string; json?: boolean }) => {
      try {
        const ctx = await loadCliContext(options);
        const change = await revokeConsent(ctx.dataDir, {
          reason: 'disabled by the user',
          now: Date.now(),
          mode: 'off',
        });
        const effective = effectiveMode(change.state, ctx.env);
        if (options.json) {
          const body = {
            mode: change.state.mode,
            previousMode: change.previous.mode,
            revokedReceiptId: change.revoked?.id ?? null,
            removedQueueFiles: change.removedFiles,
            effective: effectiveJson(effective),
          };
          process.stdout.write(JSON.stringify(body, null, 2) + '\n');
          return;
        }
        const lines = [`mode:      off (was ${change.previous.mode}): nothing is collected or sent`];
        lines.push(
          change.revoked
            ? `consent:   receipt ${change.revoked.id} revoked (recorded in consent-history.jsonl)`
            : 'consent:   none was in force',
        );
        lines.push(`queue:     ${change.removedFiles} queued file(s) removed`);
        if (effective.forcedBy) lines.push(`effective: ${describeEffective(effective)}`);
        process.stdout.write(lines.join('\n') + '\n');
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
