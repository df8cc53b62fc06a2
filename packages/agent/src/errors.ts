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
  PT_ERR_CONSENT_REQUIRED: 'Sharing needs a consent receipt that still covers the policy.',
  PT_ERR_ENDPOINT_INVALID: 'A sharing endpoint or policy URL is not an http(s) URL, or has credentials.',
  PT_ERR_TELEMETRY_DISABLED: 'PRISM_TELEMETRY_DISABLED is set, so telemetry cannot be turned on.',
  PT_ERR_EXPORT_WRITE: 'The export file could not be written; nothing was left behind.',
  PT_ERR_EXPORT_READ: 'A file is not a readable prism-telemetry export.',
  PT_ERR_CONFIRMATION_REQUIRED: 'A destructive command needs confirmation: run it on a terminal or pass --yes.',
  PT_ERR_REMOTE_DELETE: 'The remote deletion request could not be sent or was refused (local data is still deleted).',
  PT_ERR_OTEL_CONFIG: 'An OpenTelemetry declarative config file (--otel-config) is invalid or unsupported.',
  PT_ERR_RECEIVER_LISTEN:
    'A receiver could not listen on its endpoint (port in use, or not an address of this machine).',
  PT_ERR_DASHBOARD_LISTEN:
    'The dashboard could not listen on telemetry.dashboard.endpoint (port in use, or not an address of this machine).',
  PT_ERR_DASHBOARD_FORBIDDEN:
    'The dashboard refused a request whose Host or Origin is not this machine (DNS rebinding or cross-site request).',
  PT_ERR_DASHBOARD_UNAUTHORIZED:
    'A dashboard request had no valid session: open the URL `prism-telemetry dashboard` prints.',
  PT_ERR_NOT_RUNNING: 'No agent is running on the data directory, or it runs without a dashboard.',
  PT_ERR_DASHBOARD_REQUEST: 'The dashboard API did not accept a request (method, content type, size or body).',
  PT_ERR_FLUSH: '`flush`: the running agent did not answer in time, or could not send now (the data stays queued).',
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
