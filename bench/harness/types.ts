/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** Short runs for a smoke check; the figures are noisier. */
  quick: boolean;
  /** One progress line, to stderr (stdout is kept for results). */
  progress(message: string): void;
}

/**
 * A goal compared against a baseline measured in the same run: a `ratio` (candidate / baseline, higher is
 * better unless `comparison` says otherwise) or a `delta` (candidate minus baseline, in `unit`).
 */
export interface GoalResult {
  kind: 'ratio' | 'delta';
  /** What is compared, e.g. `privacy Views / plain SDK`. */
  label: string;
  value: number;
  /** `x` for ratios, `MiB`, `%` ... for deltas. */
  unit: string;
  comparison: '>=' | '<=';
  target: number;
  pass: boolean;
}

export interface Table {
  columns: readonly string[];
  rows: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface BenchResult {
  name: string;
  title: string;
  /** How the figures were obtained (rounds, sizes, duration), one line. */
  method: string;
  table: Table;
  goals: GoalResult[];
  /** Ratios against the baseline that have no goal but help read the deltas. */
  ratios: Array<{ label: string; value: number }>;
  /** Raw figures for `--json`, named with their units (`opsPerSecond`, `rssMiB`). */
  measurements: Record<string, number | string | number[]>;
  /** Things a reader should know about this run (e.g. a sanity check's outcome). */
  notes: string[];
}

export interface Benchmark {
  name: string;
  summary: string;
  run(context: BenchContext): Promise<BenchResult>;
}
