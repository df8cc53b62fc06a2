import path from 'node:path';
import { Option, type Command } from 'commander';
import { PrismError } from '../../errors.js';
import { buildExportHeader, type ExportFileFormat } from '../../export/export-format.js';
import { openAtomicFileSink, streamSink, type ExportSink } from '../../export/export-sink.js';
import { SkippedLines } from '../../export/skipped-lines.js';
import { writeExport } from '../../export/write-export.js';
import { readConsentHistory } from '../../state/consent.js';
import { displayPath } from '../../store/display-path.js';
import { errorCode } from '../../store/fs-error.js';
import { AGENT_VERSION } from '../../version.js';
import { loadCliContext } from '../cli-context.js';
import { formatBytes } from '../format-bytes.js';
import { EXIT_FAILURE, EXIT_INVALID, EXIT_OK } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface ExportOptions {
  out: string;
  format: ExportFileFormat;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

export function registerExport(program: Command, setExit: (code: number) => void): void {
  program
    .command('export')
    .description(
      'write everything stored (metrics, consent history, manifests) to one file, re-importable for analysis',
    )
    .requiredOption('-o, --out <file>', 'file to write (atomically, mode 0600); `-` writes to stdout')
    .addOption(
      new Option('--format <format>', 'json: one document; jsonl: a header line, then one line per record')
        .choices(['json', 'jsonl'])
        .default('json'),
    )
    .option('-d, --data-dir <dir>', 'data directory; default: resolved as `start` resolves it')
    .option('-c, --config <file>', 'pipeline config (YAML) for the privacy level and retention; default: embedded')
    .option('--json', 'print the summary as JSON (on stderr when --out is -)')
    .addHelpText(
      'after',
      '\nThe format is documented in docs/EXPORT.md; its JSON Schema is schemas/export.schema.json.',
    )
    .action(async (options: ExportOptions) => {
      setExit(await runExport(options));
    });
}

async function runExport(options: ExportOptions): Promise<number> {
  const toStdout = options.out === '-';
  // With the export itself on stdout, the summary must not be mixed into it.
  const report = toStdout ? process.stderr : process.stdout;
  let sink: ExportSink | undefined;
  try {
    const context = await loadCliContext(options);
    const skipped = new SkippedLines();
    const consentHistory = await readConsentHistory(context.dataDir);
    const header = buildExportHeader({
      config: context.config,
      dataDirDisplay: displayPath(context.dataDir, context.homedir),
      agentVersion: AGENT_VERSION,
      consentHistory,
      now: new Date(),
    });
    const outFile = path.resolve(options.out);
    const where = toStdout ? 'stdout' : displayPath(outFile, context.homedir);
    sink = guarded(toStdout ? streamSink(process.stdout) : await openSink(outFile, where), where);
    const showProgress = process.stderr.isTTY === true && !options.json;
    const result = await writeExport({
      dataDir: context.dataDir,
      header,
      format: options.format,
      sink,
      skipped,
      progressEveryBytes: PROGRESS_EVERY_BYTES,
      ...(showProgress
        ? {
            onProgress: ({ bytesRead, records }) =>
              process.stderr.write(`export: ${Math.round(bytesRead / MIB)} MiB read, ${records} records\n`),
          }
        : {}),
    });
    await sink.commit();
    const summary = {
      out: toStdout ? '-' : where,
      format: options.format,
      dataDir: header.dataDir,
      files: result.files,
      records: result.records,
      bytesWritten: result.bytesWritten,
      consentEvents: consentHistory.length,
      skippedLines: skipped.count,
      skipped: skipped.listed,
    };
    if (options.json) {
      report.write(JSON.stringify(summary, null, 2) + '\n');
    } else {
      report.write(
        `exported ${summary.records} record(s) from ${summary.files} file(s) and ${summary.consentEvents} consent ` +
          `event(s) in ${summary.dataDir} to ${summary.out} (${options.format}, ${formatBytes(summary.bytesWritten)})\n`,
      );
      if (skipped.count > 0) {
        report.write(`skipped ${skipped.count} unparseable line(s):\n`);
        for (const s of skipped.listed) report.write(`  ${s.file}:${s.line}: ${s.reason}\n`);
        if (skipped.count > skipped.listed.length)
          report.write(`  ... and ${skipped.count - skipped.listed.length} more\n`);
      }
    }
    return EXIT_OK;
  } catch (error) {
    await sink?.abort().catch(() => undefined);
    if (!(error instanceof PrismError)) {
      // Anything else failed while reading the store; fs messages carry full paths, so report the code only.
      reportError(
        new PrismError('PT_ERR_DATA_DIR', `cannot read the data directory: ${errorCode(error)}`, {
          hint: 'check the permissions of the data directory and its files',
        }),
      );
      return EXIT_FAILURE;
    }
    reportError(error);
    return error.code === 'PT_ERR_CONFIG_INVALID' ? EXIT_INVALID : EXIT_FAILURE;
  }
}

async function openSink(file: string, where: string): Promise<ExportSink> {
  try {
    return await openAtomicFileSink(file);
  } catch (error) {
    throw writeError(where, error);
  }
}

/** Turns the sink's raw fs and stream errors into one coded error naming the output. */
function guarded(sink: ExportSink, where: string): ExportSink {
  const rethrow = (error: unknown): never => {
    throw writeError(where, error);
  };
  return {
    write: (chunk) => sink.write(chunk).catch(rethrow),
    commit: () => sink.commit().catch(rethrow),
    abort: () => sink.abort(),
  };
}

/** `where` is already fit for output (displayPath or `stdout`). */
function writeError(where: string, error: unknown): PrismError {
  return new PrismError('PT_ERR_EXPORT_WRITE', `cannot write the export to ${where}: ${errorCode(error)}`, {
    hint: 'check that the directory exists and is writable, or use --out - to write to stdout',
  });
}
