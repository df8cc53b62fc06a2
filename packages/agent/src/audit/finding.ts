/** What an audit finding is about; stable strings, for scripts reading `audit --json`. */
export type FindingKind =
  | 'personal_data'
  | 'unparseable_line'
  | 'line_too_long'
  | 'unreadable_file'
  | 'not_otlp_request'
  | 'privacy_level_missing'
  | 'privacy_level_unknown'
  | 'metric_not_in_manifest'
  | 'metric_wrong_category'
  | 'attribute_not_in_manifest'
  | 'attribute_should_be_dropped'
  | 'attribute_not_hashed'
  | 'attribute_value_not_allowed'
  | 'sent_while_not_on';

/**
 * One problem, located by file (relative to the data directory) and 1-based line (0: the file as a whole).
 * `detail` never quotes stored values: a finding about personal data must not repeat it.
 */
export interface AuditFinding {
  file: string;
  line: number;
  kind: FindingKind;
  detail: string;
}

export type ReportFinding = (kind: FindingKind, detail: string) => void;
