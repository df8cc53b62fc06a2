/**
 * The agent's own log. Messages are fixed text plus structured fields; callers never put raw input
 * (paths, URLs, attribute values) into a log line, so nothing personal can reach it.
 */
export interface Logger {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  error(message: string, fields?: Record<string, string | number | boolean>): void;
}

function format(level: string, message: string, fields?: Record<string, string | number | boolean>): string {
  const rest = fields
    ? Object.entries(fields)
        .map(([k, v]) => ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
        .join('')
    : '';
  return `${new Date().toISOString()} ${level} ${message}${rest}\n`;
}

export function createStderrLogger(): Logger {
  return {
    info: (m, f) => void process.stderr.write(format('info', m, f)),
    warn: (m, f) => void process.stderr.write(format('warn', m, f)),
    error: (m, f) => void process.stderr.write(format('error', m, f)),
  };
}

/** Collects log lines in memory; for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m, f) => void lines.push(format('info', m, f)),
    warn: (m, f) => void lines.push(format('warn', m, f)),
    error: (m, f) => void lines.push(format('error', m, f)),
  };
}
