import { Command, CommanderError } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { registerStart } from './commands/start.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';

/**
 * The CLI. `start` alone skips loading the other commands' modules: a long-running agent should not carry the
 * memory of `export`, `audit`, `delete` and the rest (about 4 MiB of RSS).
 */
export async function buildProgram(
  setExit: (code: number) => void,
  options: { startOnly?: boolean } = {},
): Promise<Command> {
  const program = new Command('prism-telemetry')
    .description(
      'Privacy-first telemetry agent: host health to local OTLP-JSON files; nothing leaves the machine without consent.',
    )
    .version(AGENT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program, setExit);
  if (options.startOnly) return program;
  const commands = await Promise.all([
    import('./commands/validate.js').then((m) => m.registerValidate),
    import('./commands/show.js').then((m) => m.registerShow),
    import('./commands/mode.js').then((m) => m.registerMode),
    import('./commands/enable.js').then((m) => m.registerEnable),
    import('./commands/disable.js').then((m) => m.registerDisable),
    import('./commands/status.js').then((m) => m.registerStatus),
    import('./commands/export.js').then((m) => m.registerExport),
    import('./commands/delete.js').then((m) => m.registerDelete),
    import('./commands/audit.js').then((m) => m.registerAudit),
    import('./commands/dry-run.js').then((m) => m.registerDryRun),
    import('./commands/alerts.js').then((m) => m.registerAlerts),
    import('./commands/flush.js').then((m) => m.registerFlush),
    import('./commands/dashboard.js').then((m) => m.registerDashboard),
  ]);
  for (const register of commands) register(program, setExit);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const startOnly = argv[0] === 'start' && !argv.some((a) => a === '-h' || a === '--help');
  const program = await buildProgram((code) => (exitCode = code), { startOnly });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_INVALID;
    }
    throw error;
  }
  return exitCode;
}
