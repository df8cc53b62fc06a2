import type { Command } from 'commander';
import { auditDataDir, type AuditResult } from '../../audit/audit-data-dir.js';
import { PrismError } from '../../errors.js';
import { displayPath } from '../../store/display-path.js';
import { errorCode } from '../../store/fs-error.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_FAILURE, EXIT_INVALID, EXIT_OK } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface AuditOptions {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

export function registerAudit(program: Command, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description(
      'check every stored and pending record for personal data and against the manifest (exit 1 on findings)',
    )
    .option('-d, --data-dir <dir>', 'data directory; default: resolved as `start` resolves it')
    .option('-c, --config <file>', 'pipeline config (YAML) naming the data directory; default: embedded')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Scans metrics/**/*.jsonl, queue/** and alerts/**/*.jsonl line by line, and outbound.jsonl:',
        '  - every string (keys, names, attribute keys and values, resource and scope) through the personal-data',
        '    detector; a finding names the kind, file and line, never the matched text;',
        "  - every metric and attribute against the manifest of the line's prism.privacy_level;",
        '  - every outbound attempt: data may only be sent for collection in mode on.',
      ].join('\n'),
    )
    .action(async (options: AuditOptions) => {
      setExit(await runAudit(options));
    });
}

async function runAudit(options: AuditOptions): Promise<number> {
  let result: AuditResult;
  let shownDir: string;
  try {
    const context = await loadCliContext(options);
    shownDir = displayPath(context.dataDir, context.homedir);
    result = await auditDataDir(context.dataDir);
  } catch (error) {
    if (error instanceof PrismError) {
      reportError(error);
      return error.code === 'PT_ERR_CONFIG_INVALID' ? EXIT_INVALID : EXIT_FAILURE;
    }
    return reportError(
      new PrismError('PT_ERR_DATA_DIR', `cannot read the data directory: ${errorCode(error)}`, {
        hint: 'check the permissions of the data directory, or use --data-dir to pick another directory',
      }),
    );
  }
  if (options.json) {
    process.stdout.write(JSON.stringify({ dataDir: shownDir, ...result }, null, 2) + '\n');
  } else {
    for (const f of result.findings) process.stdout.write(`${f.file}:${f.line}: ${f.kind}: ${f.detail}\n`);
    if (result.findingsTotal > result.findings.length) {
      process.stdout.write(`... and ${result.findingsTotal - result.findings.length} more finding(s)\n`);
    }
    process.stdout.write(
      `audited ${shownDir}: ${result.filesScanned} file(s), ${result.linesScanned} line(s); ` +
        `${result.outboundAttempts} outbound attempt(s), ${result.outboundWhileNotOn} while not in mode on\n`,
    );
    process.stdout.write(
      result.clean
        ? 'clean: no personal data found, everything stored is in the manifest of its level\n'
        : `${result.findingsTotal} finding(s)\n`,
    );
  }
  return result.clean ? EXIT_OK : EXIT_FAILURE;
}
