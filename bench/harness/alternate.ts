import { median } from './stats.js';

export interface Variant {
  label: string;
  /** Runs one round and returns its rate (operations per second). */
  round(): Promise<number> | number;
}

export interface AlternateOptions {
  /** Rounds per variant that count. */
  rounds: number;
  /** Rounds per variant run first and thrown away (JIT warm-up). */
  warmupRounds: number;
  progress(message: string): void;
}

export interface VariantRates {
  label: string;
  rates: number[];
  median: number;
}

/**
 * Runs the variants in alternation (A, B, A, B ...) so that noise from other work on a shared machine lands on
 * all of them alike, and takes the median of each.
 */
export async function runAlternating(variants: readonly Variant[], options: AlternateOptions): Promise<VariantRates[]> {
  const rates = variants.map(() => [] as number[]);
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    for (const [index, variant] of variants.entries()) {
      const rate = await variant.round();
      if (round >= options.warmupRounds) rates[index]!.push(rate);
    }
    if (round >= options.warmupRounds) {
      const done = round - options.warmupRounds + 1;
      if (done === options.rounds || done % 5 === 0) options.progress(`round ${done}/${options.rounds}`);
    }
  }
  return variants.map((variant, index) => ({
    label: variant.label,
    rates: rates[index]!,
    median: median(rates[index]!),
  }));
}
