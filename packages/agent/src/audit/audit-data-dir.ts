import path from 'node:path';
import { readLines } from '../export/read-lines.js';
import { outboundLogFile, OUTBOUND_LOG_FILE_NAME } from '../state/outbound-log.js';
import { isCategory } from '../store/category.js';
import { errorCode } from '../store/fs-error.js';
import { auditOutboundLog } from './audit-outbound.js';
import { checkRequestAgainstManifest } from './check-manifest.js';
import type { AuditFinding, FindingKind } from './finding.js';
import { listFilesRecursive } from './list-files.js';
import { indexManifests } from './manifest-index.js';
import { PersonalDataScanner } from './scan-personal-data.js';

/** Findings listed one by one; beyond this they are only counted, so a badly damaged store stays bounded. */
export const MAX_LISTED_FINDINGS = 1000;

export interface AuditResult {
  clean: boolean;
  filesScanned: number;
  /** Non-empty lines of stored and pending files (the outbound log not included). */
  linesScanned: number;
  outboundAttempts: number;
  outboundWhileNotOn: number;
  findingsTotal: number;
  /** The first MAX_LISTED_FINDINGS findings. */
  findings: AuditFinding[];
}

type Area = 'metrics' | 'queue' | 'alerts';

interface AuditFile {
  relative: string;
  area: Area;
  /** The category directory of a metrics file. */
  category: string | undefined;
}

async function filesToAudit(dataDir: string): Promise<AuditFile[]> {
  const jsonl = (name: string): boolean => name.endsWith('.jsonl');
  const areas: Array<[Area, (name: string) => boolean]> = [
    ['metrics', jsonl],
    ['queue', () => true],
    ['alerts', jsonl],
  ];
  const files: AuditFile[] = [];
  for (const [area, accept] of areas) {
    for (const relative of await listFilesRecursive(dataDir, path.join(dataDir, area), accept)) {
      const dirName = relative.split('/')[1];
      const category = area === 'metrics' && dirName !== undefined && isCategory(dirName) ? dirName : undefined;
      files.push({ relative, area, category });
    }
  }
  return files;
}

/**
 * Audits a data directory line by line, in bounded memory: every string of every stored and pending line
 * against the personal-data detector, every metric and attribute against the manifest of the level the
 * line was collected at, and the outbound log against the modes. Findings never quote what they found.
 */
export async function auditDataDir(dataDir: string): Promise<AuditResult> {
  const result: AuditResult = {
    clean: true,
    filesScanned: 0,
    linesScanned: 0,
    outboundAttempts: 0,
    outboundWhileNotOn: 0,
    findingsTotal: 0,
    findings: [],
  };
  const add = (file: string, line: number, kind: FindingKind, detail: string): void => {
    result.findingsTotal++;
    if (result.findings.length < MAX_LISTED_FINDINGS) result.findings.push({ file, line, kind, detail });
  };
  const manifests = indexManifests();
  const scanner = new PersonalDataScanner();
  for (const file of await filesToAudit(dataDir)) {
    result.filesScanned++;
    const shown = file.relative;
    try {
      for await (const { line, text } of readLines(path.join(dataDir, file.relative))) {
        if (text === undefined) {
          add(shown, line, 'line_too_long', 'the line is too long to be a record');
          continue;
        }
        if (text.trim() === '') continue;
        result.linesScanned++;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          add(shown, line, 'unparseable_line', 'the line is not valid JSON');
          continue;
        }
        scanner.scan(value, (kind, where) => add(shown, line, 'personal_data', `${kind} in ${where}`));
        if (file.area === 'alerts') continue;
        const request = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
        if (request === undefined || !Array.isArray((request as Record<string, unknown>)['resourceMetrics'])) {
          add(shown, line, 'not_otlp_request', 'the line is not an OTLP ExportMetricsServiceRequest');
          continue;
        }
        checkRequestAgainstManifest(request as Record<string, unknown>, manifests, file.category, (kind, detail) =>
          add(shown, line, kind, detail),
        );
      }
    } catch (error) {
      add(shown, 0, 'unreadable_file', `cannot read the file: ${errorCode(error)}`);
    }
  }
  const outbound = await auditOutboundLog(outboundLogFile(dataDir), (line, kind, detail) =>
    add(OUTBOUND_LOG_FILE_NAME, line, kind, detail),
  );
  result.outboundAttempts = outbound.attempts;
  result.outboundWhileNotOn = outbound.whileNotOn;
  result.clean = result.findingsTotal === 0;
  return result;
}
