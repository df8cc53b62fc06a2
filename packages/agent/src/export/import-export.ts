import { promises as fs } from 'node:fs';
import { PrismError } from '../errors.js';
import { displayPath } from '../store/display-path.js';
import { errorCode } from '../store/fs-error.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportDocument, type ExportMetricRecord } from './export-format.js';
import { readLines } from './read-lines.js';

const HINT = 'pass a file written by `prism-telemetry export` (--format json or jsonl)';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(file: string, where: string, what: string): PrismError {
  return new PrismError('PT_ERR_EXPORT_READ', `${displayPath(file)}${where}: ${what}`, { hint: HINT });
}

function checkHeader(file: string, value: Record<string, unknown>): void {
  if (value['format'] !== EXPORT_FORMAT) throw invalid(file, '', `not a ${EXPORT_FORMAT} file`);
  if (value['formatVersion'] !== EXPORT_FORMAT_VERSION) {
    throw invalid(file, '', `format version ${String(value['formatVersion'])} is not supported (this build reads 1)`);
  }
}

/**
 * Reads an export (either format) back into one object, for analysis. The `jsonl` form is read line by
 * line; the `json` form is parsed whole, so for very large exports prefer `--format jsonl`.
 */
export async function importExport(file: string): Promise<ExportDocument> {
  let header: Record<string, unknown> | undefined;
  const metrics: ExportMetricRecord[] = [];
  try {
    for await (const { line, text } of readLines(file)) {
      if (text === undefined) throw invalid(file, `:${line}`, 'line too long');
      if (text.trim() === '') continue;
      if (header === undefined) {
        const first = parseLine(text);
        // A json export's first line is `{...,"metrics":[`, which does not parse on its own.
        if (!isObject(first) || 'metrics' in first) return await importJson(file);
        checkHeader(file, first);
        header = first;
        continue;
      }
      const record = parseLine(text);
      if (!isObject(record) || !isObject(record['request'])) throw invalid(file, `:${line}`, 'not a metric record');
      metrics.push(record as unknown as ExportMetricRecord);
    }
  } catch (error) {
    if (error instanceof PrismError) throw error;
    throw new PrismError('PT_ERR_EXPORT_READ', `cannot read ${displayPath(file)}: ${errorCode(error)}`, {
      hint: HINT,
    });
  }
  if (header === undefined) throw invalid(file, '', 'the file is empty');
  return { ...(header as unknown as ExportDocument), metrics };
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function importJson(file: string): Promise<ExportDocument> {
  const value = parseLine(await fs.readFile(file, 'utf8'));
  if (!isObject(value)) throw invalid(file, '', 'not valid JSON');
  checkHeader(file, value);
  if (!Array.isArray(value['metrics'])) throw invalid(file, '', 'no "metrics" array');
  return value as unknown as ExportDocument;
}
