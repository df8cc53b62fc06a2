/** Process exit codes, documented in the README. */
export const EXIT_OK = 0;
/** The agent failed at run time (data directory, lock, I/O). */
export const EXIT_FAILURE = 1;
/** The command line or the configuration is invalid. */
export const EXIT_INVALID = 2;
