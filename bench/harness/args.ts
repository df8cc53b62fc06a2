import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  json: boolean;
  help: boolean;
  /** Benchmark names to run; empty = all. */
  only: string[];
}

export const USAGE = `usage: npm run bench -- [--quick] [--only <name>[,<name>...]] [--json]

  --quick         short runs, for a smoke check (figures are noisier)
  --only <name>   run only these benchmarks (repeat the flag or separate names with commas)
  --json          print the results as one JSON object on stdout (tables go to stderr)
  --help          this text
`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      only: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    quick: values.quick,
    json: values.json,
    help: values.help,
    only: values.only
      .flatMap((names) => names.split(','))
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  };
}
