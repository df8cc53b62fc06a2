import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Child, describeExit } from '../harness/child.js';
import { deltaGoal } from '../harness/goal.js';
import { clockTicksPerSecond, cpuPercent, sampleProcess, type ProcSample } from '../harness/proc-stat.js';
import { max } from '../harness/stats.js';
import type { BenchContext, BenchResult, Benchmark } from '../harness/types.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENT_BIN = path.join(REPO_ROOT, 'packages/agent/bin/prism-telemetry.js');
const CONFIG = fileURLToPath(new URL('../idle-footprint.yaml', import.meta.url));

const GOAL_RSS_DELTA_MIB = 30;
const GOAL_CPU_DELTA_PERCENT = 0.25;
const WARMUP_MILLIS = 3_000;
const READY_TIMEOUT_MILLIS = 30_000;
const RSS_SAMPLE_EVERY_MILLIS = 1_000;
const MIB = 1024 * 1024;

interface Measured {
  label: string;
  start: ProcSample;
  end: ProcSample;
  peakRssBytes: number;
  cpuPercent: number;
}

/** Lines the agent wrote under `<dataDir>/metrics/*\/*.jsonl`: proof it was collecting, not just idling. */
async function countMetricLines(dataDir: string): Promise<number> {
  let lines = 0;
  const root = path.join(dataDir, 'metrics');
  for (const category of await readdir(root).catch(() => [] as string[])) {
    for (const file of await readdir(path.join(root, category)).catch(() => [] as string[])) {
      if (!file.endsWith('.jsonl')) continue;
      const text = await readFile(path.join(root, category, file), 'utf8');
      lines += text.split('\n').filter((line) => line.trim() !== '').length;
    }
  }
  return lines;
}

function assertRunning(child: Child): void {
  if (child.running) return;
  // Node exits with 13 when the event loop empties while a top-level await is pending.
  const hint =
    child.exit?.code === 13
      ? `\nhint: exit code 13 is Node's "unsettled top-level await": nothing kept the event loop alive ` +
        `(every timer unref()'d, no open server), so the process ended while still awaiting`
      : '';
  throw new Error(`${child.name} exited during the measurement (${describeExit(child.exit)}):\n${child.tail()}${hint}`);
}

/** Samples both processes until `durationMillis` has passed; RSS every second for the peak. */
async function measure(children: readonly Child[], durationMillis: number): Promise<Measured[]> {
  const starts = await Promise.all(children.map((c) => sampleProcess(c.pid)));
  const peaks = starts.map((s) => s.rssBytes);
  const deadline = Date.now() + durationMillis;
  while (Date.now() < deadline) {
    await sleep(Math.min(RSS_SAMPLE_EVERY_MILLIS, Math.max(0, deadline - Date.now())));
    children.forEach(assertRunning);
    const samples = await Promise.all(children.map((c) => sampleProcess(c.pid)));
    samples.forEach((s, i) => (peaks[i] = Math.max(peaks[i]!, s.rssBytes)));
  }
  const ends = await Promise.all(children.map((c) => sampleProcess(c.pid)));
  const ticks = clockTicksPerSecond();
  return children.map((child, i) => ({
    label: child.name,
    start: starts[i]!,
    end: ends[i]!,
    peakRssBytes: max([peaks[i]!, ends[i]!.rssBytes]),
    cpuPercent: cpuPercent(starts[i]!, ends[i]!, ticks),
  }));
}

async function run(context: BenchContext): Promise<BenchResult> {
  const durationMillis = context.quick ? 15_000 : 60_000;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'prism-bench-idle-'));
  const children: Child[] = [];
  // Children and the temp dir must not outlive the bench, even when it is interrupted (a signal skips `finally`).
  const killAll = (): void => children.forEach((c) => c.running && c.process.kill('SIGKILL'));
  const interrupted = (signal: NodeJS.Signals): void => {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  process.once('exit', killAll);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const env = { ...process.env, PRISM_TELEMETRY_DIR: undefined };
    const options = { cwd: REPO_ROOT, env };
    const agent = new Child(
      'agent',
      process.execPath,
      [AGENT_BIN, 'start', '--config', CONFIG, '--data-dir', dataDir],
      options,
    );
    children.push(agent);
    const bare = new Child('bare node', process.execPath, ['-e', 'setInterval(() => {}, 10000)'], options);
    children.push(bare);

    await agent.waitForOutput(/agent running/, READY_TIMEOUT_MILLIS);
    context.progress(`agent pid ${agent.pid} and bare node pid ${bare.pid} running; warm-up ${WARMUP_MILLIS / 1000} s`);
    await sleep(WARMUP_MILLIS);
    children.forEach(assertRunning);
    // Two windows back to back. The first holds what happens once after start-up: the first collection
    // (regular expressions compiled, first files opened) and V8's heap reduction some seconds after start,
    // a full GC or two. The second is the agent as it runs for days, and carries the goals.
    context.progress(`sampling the first minute after start-up for ${durationMillis / 1000} s`);
    const [agentFirst, bareFirst] = await measure([agent, bare], durationMillis);
    context.progress(`sampling the steady state for ${durationMillis / 1000} s`);
    const [agentFigures, bareFigures] = await measure([agent, bare], durationMillis);

    const agentStop = await agent.stop();
    await bare.stop();
    const lines = await countMetricLines(dataDir);
    if (lines === 0) {
      throw new Error(
        `the agent wrote no metrics under its data directory in ${(2 * durationMillis + WARMUP_MILLIS) / 1000} s, ` +
          `so its footprint says nothing about collecting; its output:\n${agent.tail()}`,
      );
    }

    const windows = [
      { window: 'first minute', figures: [bareFirst!, agentFirst!] },
      { window: 'steady state', figures: [bareFigures!, agentFigures!] },
    ];
    const rows = windows.flatMap(({ window, figures }) =>
      figures.map((m) => [
        window,
        m.label,
        (m.start.rssBytes / MIB).toFixed(1),
        (m.end.rssBytes / MIB).toFixed(1),
        (m.peakRssBytes / MIB).toFixed(1),
        ((m.end.rssBytes - m.start.rssBytes) / MIB).toFixed(1),
        m.cpuPercent.toFixed(3),
      ]),
    );
    const rssDeltaMiB = (agentFigures!.end.rssBytes - bareFigures!.end.rssBytes) / MIB;
    const cpuDelta = agentFigures!.cpuPercent - bareFigures!.cpuPercent;
    const firstCpuDelta = agentFirst!.cpuPercent - bareFirst!.cpuPercent;
    return {
      name: 'idle-footprint',
      title: 'the real agent at a 10 s interval vs a bare `node -e setInterval`',
      method:
        `both spawned side by side; ${WARMUP_MILLIS / 1000} s after the agent is ready, two windows of ` +
        `${durationMillis / 1000} s each (the first minute after start-up, then the steady state, which carries ` +
        `the goals), each between two samples of /proc/<pid>/status VmRSS and /proc/<pid>/stat utime+stime`,
      table: {
        columns: ['window', 'process', 'RSS start MiB', 'RSS end MiB', 'RSS peak MiB', 'growth MiB', 'CPU % of a core'],
        rows,
      },
      goals: [
        deltaGoal('RSS agent - bare node (end)', rssDeltaMiB, 'MiB', '<=', GOAL_RSS_DELTA_MIB),
        deltaGoal('CPU agent - bare node, steady state', cpuDelta, '%', '<=', GOAL_CPU_DELTA_PERCENT),
      ],
      ratios: [
        { label: 'RSS agent / bare node (end)', value: agentFigures!.end.rssBytes / bareFigures!.end.rssBytes },
        { label: 'CPU agent / bare node', value: agentFigures!.cpuPercent / bareFigures!.cpuPercent },
      ],
      measurements: {
        durationSeconds: durationMillis / 1000,
        agentRssStartMiB: agentFigures!.start.rssBytes / MIB,
        agentRssEndMiB: agentFigures!.end.rssBytes / MIB,
        agentRssPeakMiB: agentFigures!.peakRssBytes / MIB,
        agentCpuPercent: agentFigures!.cpuPercent,
        bareRssStartMiB: bareFigures!.start.rssBytes / MIB,
        bareRssEndMiB: bareFigures!.end.rssBytes / MIB,
        bareRssPeakMiB: bareFigures!.peakRssBytes / MIB,
        bareCpuPercent: bareFigures!.cpuPercent,
        rssDeltaMiB,
        cpuDeltaPercent: cpuDelta,
        firstMinuteAgentCpuPercent: agentFirst!.cpuPercent,
        firstMinuteBareCpuPercent: bareFirst!.cpuPercent,
        firstMinuteCpuDeltaPercent: firstCpuDelta,
        agentMetricLines: lines,
        agentStopMillis: agentStop.millis,
      },
      notes: [
        `first minute after start-up (no goal): CPU agent - bare node = ${firstCpuDelta >= 0 ? '+' : ''}${firstCpuDelta.toFixed(3)} %`,
        `the agent wrote ${lines} OTLP-JSON lines; after SIGTERM it ` +
          (agentStop.killed
            ? `had not exited after 5 s and was killed (SIGKILL)`
            : `exited by itself in ${agentStop.millis} ms (${describeExit(agent.exit)})`),
      ],
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    process.removeListener('exit', killAll);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const idleFootprint: Benchmark = {
  name: 'idle-footprint',
  summary: 'RSS and CPU of the running agent at a 10 s interval vs a bare node (goals <= +30 MiB, <= +0.25% CPU)',
  run,
};
