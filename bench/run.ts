import os from 'node:os';
import { exportFile } from './benchmarks/export-file.js';
import { idleFootprint } from './benchmarks/idle-footprint.js';
import { otlpReceiver } from './benchmarks/otlp-receiver.js';
import { recordRate } from './benchmarks/record-rate.js';
import { sharingQueue } from './benchmarks/sharing-queue.js';
import { parseBenchArgs, USAGE, type BenchArgs } from './harness/args.js';
import { formatGoal, formatResult } from './harness/format.js';
import type { BenchResult, Benchmark } from './harness/types.js';

/**
 * `npm run bench`: each benchmark compares against a baseline measured in the same run (the machines are shared
 * and noisy, so absolute figures mean little) and reports its goal as PASS or MISS.
 * Exit code: 0 every goal met, 1 a goal missed, 2 a benchmark failed or the arguments were wrong.
 */
const BENCHMARKS: readonly Benchmark[] = [recordRate, exportFile, otlpReceiver, sharingQueue, idleFootprint];

interface Failure {
  name: string;
  error: string;
}

function progress(name: string): (message: string) => void {
  return (message) => void process.stderr.write(`[bench ${name}] ${message}\n`);
}

function select(args: BenchArgs): Benchmark[] | string {
  if (args.only.length === 0) return [...BENCHMARKS];
  const unknown = args.only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    return `unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`;
  }
  return BENCHMARKS.filter((b) => args.only.includes(b.name));
}

async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(
      USAGE + '\nbenchmarks:\n' + BENCHMARKS.map((b) => `  ${b.name.padEnd(15)} ${b.summary}\n`).join(''),
    );
    return 0;
  }
  const selected = select(args);
  if (typeof selected === 'string') {
    process.stderr.write(`bench: ${selected}\n`);
    return 2;
  }

  // Human-readable output goes to stdout, unless stdout is reserved for JSON.
  const report = (text: string): void => void (args.json ? process.stderr : process.stdout).write(text);
  const startedAt = new Date();
  report(
    `prism-telemetry bench ${startedAt.toISOString()}${args.quick ? ' (quick)' : ''}: node ${process.version}, ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.release()}\n\n`,
  );

  const results: BenchResult[] = [];
  const failures: Failure[] = [];
  for (const benchmark of selected) {
    const log = progress(benchmark.name);
    log(args.quick ? 'starting (quick)' : 'starting');
    const start = Date.now();
    try {
      const result = await benchmark.run({ quick: args.quick, progress: log });
      results.push(result);
      log(`done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      report(formatResult(result) + '\n');
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ name: benchmark.name, error: message });
      report(`== ${benchmark.name}: FAILED\n${message}\n\n`);
    }
  }

  const goals = results.flatMap((r) => r.goals.map((g) => ({ name: r.name, goal: g })));
  report(
    [
      'summary:',
      ...goals.map(({ name, goal }) => `  ${name.padEnd(15)} ${formatGoal(goal)}`),
      ...failures.map((f) => `  ${f.name.padEnd(15)} FAILED (see above)`),
      '',
    ].join('\n'),
  );
  if (args.json) {
    const output = {
      startedAt: startedAt.toISOString(),
      quick: args.quick,
      node: process.version,
      cpus: os.cpus().length,
      results,
      failures,
      pass: failures.length === 0 && goals.every(({ goal }) => goal.pass),
    };
    process.stdout.write(JSON.stringify(output, null, 2) + '\n');
  }
  if (failures.length > 0) return 2;
  return goals.every(({ goal }) => goal.pass) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
