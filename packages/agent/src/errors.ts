/**
 * Every error the agent reports to a user has a stable code from this registry. The README lists them all
 * (a test checks that). Messages say what was wrong, where, and what to do.
 */
export const ERROR_CODES = {
  PT_ERR_CONFIG_INVALID: 'The configuration file has errors; each is listed with its path and a hint.',
  PT_ERR_CONFIG_READ: 'The configuration file could not be read or is not valid YAML.',
  PT_ERR_DATA_DIR: 'The data directory could not be created or written.',
  PT_ERR_LOCKED: 'Another agent is already running on this data directory.',
  PT_ERR_SECRET: 'The install secret could not be created or read.',
  PT_ERR_SHARING_NOT_ENABLED: 'A pipeline sends data off the machine but sharing is not enabled.',
  PT_ERR_USAGE: 'The command line was not understood.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class PrismError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PrismError';
    this.code = code;
    this.hint = options?.hint;
  }
}
