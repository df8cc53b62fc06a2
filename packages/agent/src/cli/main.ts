import { Command, CommanderError } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { registerStart } from './commands/start.js';
import { registerShow } from './commands/show.js';
import { registerMode } from './commands/mode.js';
import { registerEnable } from './commands/enable.js';
import { registerDisable } from './commands/disable.js';
import { registerStatus } from './commands/status.js';
import { registerExport } from './commands/export.js';
import { registerDelete } from './commands/delete.js';
import { registerAudit } from './commands/audit.js';
import { registerDryRun } from './commands/dry-run.js';
import { registerValidate } from './commands/validate.js';
import { registerAlerts } from './commands/alerts.js';
import { registerFlush } from './commands/flush.js';
import { registerDashboard } from './commands/dashboard.js';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.js';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('prism-telemetry')
    .description(
      'Privacy-first telemetry agent: host health to local OTLP-JSON files; nothing leaves the machine without consent.',
    )
    .version(AGENT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program, setExit);
  registerValidate(program, setExit);
  registerShow(program, setExit);
  registerMode(program, setExit);
  registerEnable(program, setExit);
  registerDisable(program, setExit);
  registerStatus(program, setExit);
  registerExport(program, setExit);
  registerDelete(program, setExit);
  registerAudit(program, setExit);
  registerDryRun(program, setExit);
  registerAlerts(program, setExit);
  registerFlush(program, setExit);
  registerDashboard(program, setExit);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram((code) => (exitCode = code));
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
