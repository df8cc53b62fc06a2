import { isCategory } from '../store/category.js';
import { listMetricsFiles } from '../store/metrics-files.js';
import type { ExportFileFormat, ExportHeader } from './export-format.js';
import type { ExportSink } from './export-sink.js';
import { readLines } from './read-lines.js';
import type { SkippedLines } from './skipped-lines.js';

export interface WriteExportOptions {
  dataDir: string;
  header: ExportHeader;
  format: ExportFileFormat;
  sink: ExportSink;
  /** Collects the stored lines left out. */
  skipped: SkippedLines;
  /** Called about every `progressEveryBytes` of stored data read. */
  onProgress?: (progress: { bytesRead: number; records: number }) => void;
  progressEveryBytes?: number;
}

export interface WriteExportResult {
  files: number;
  records: number;
  /** Bytes of stored metric files read. */
  bytesRead: number;
  bytesWritten: number;
}

const DEFAULT_PROGRESS_BYTES = 64 * 1024 * 1024;

function isOtlpRequest(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Array.isArray((value as Record<string, unknown>)['resourceMetrics']);
}

/**
 * Streams the export into `sink`: the header, then one record per stored line, read one line at a time so a
 * 1 GiB data directory costs no more memory than its longest line. A stored line is copied as it is (it was
 * just parsed, so it is valid JSON); in both formats every record is on a line of its own.
 */
export async function writeExport(options: WriteExportOptions): Promise<WriteExportResult> {
  const { sink, format, skipped } = options;
  const every = options.progressEveryBytes ?? DEFAULT_PROGRESS_BYTES;
  const result: WriteExportResult = { files: 0, records: 0, bytesRead: 0, bytesWritten: 0 };
  const write = async (chunk: string): Promise<void> => {
    result.bytesWritten += Buffer.byteLength(chunk);
    await sink.write(chunk);
  };
  const headerJson = JSON.stringify(options.header);
  // The json form is the header object with `"metrics":[` opened in place of its closing brace.
  await write(format === 'jsonl' ? `${headerJson}\n` : `${headerJson.slice(0, -1)},"metrics":[\n`);
  let nextProgress = every;
  for (const file of await listMetricsFiles(options.dataDir)) {
    const category = file.dirName;
    if (!isCategory(category)) continue;
    result.files++;
    let fileBytes = 0;
    for await (const { line, text, bytesRead } of readLines(file.path)) {
      fileBytes = bytesRead;
      if (text === undefined) {
        skipped.add(file.relative, line, 'too_long');
        continue;
      }
      const trimmed = text.trim();
      if (trimmed === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        skipped.add(file.relative, line, 'unparseable');
        continue;
      }
      if (!isOtlpRequest(value)) {
        skipped.add(file.relative, line, 'not_otlp_request');
        continue;
      }
      const record = `{"category":${JSON.stringify(category)},"file":${JSON.stringify(file.relative)},"line":${line},"request":${trimmed}}`;
      await write(format === 'jsonl' ? `${record}\n` : `${result.records === 0 ? '' : ',\n'}${record}`);
      result.records++;
      if (options.onProgress && result.bytesRead + bytesRead >= nextProgress) {
        options.onProgress({ bytesRead: result.bytesRead + bytesRead, records: result.records });
        nextProgress += every;
      }
    }
    result.bytesRead += fileBytes;
  }
  if (format === 'json') await write('\n]}\n');
  return result;
}
