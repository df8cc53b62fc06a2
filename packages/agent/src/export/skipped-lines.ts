/** Why a stored line was left out of an export. */
export type SkipReason = 'unparseable' | 'too_long' | 'not_otlp_request';

export interface SkippedLine {
  /** Relative to the data directory. */
  file: string;
  line: number;
  reason: SkipReason;
}

/** How many skipped lines are listed one by one; the rest are only counted, so memory stays bounded. */
export const MAX_LISTED_SKIPS = 100;

export class SkippedLines {
  readonly listed: SkippedLine[] = [];
  count = 0;

  add(file: string, line: number, reason: SkipReason): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_SKIPS) this.listed.push({ file, line, reason });
  }
}
