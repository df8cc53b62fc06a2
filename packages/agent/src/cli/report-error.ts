import { PrismError } from '../errors.js';
import { EXIT_FAILURE } from './exit-codes.js';

/** Prints an error the way every command does: code, what and where, then what to do. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (error instanceof PrismError) {
    stderr.write(`prism-telemetry: ${error.code}: ${error.message}\n`);
    if (error.hint) stderr.write(`  hint: ${error.hint}\n`);
  } else {
    // Unexpected errors print their message only: stack traces can carry paths with user names.
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`prism-telemetry: unexpected error: ${message}\n`);
  }
  return EXIT_FAILURE;
}
