import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { FileExporter, createMemoryLogger, systemClock } from '@prism-telemetry/agent';
import { CollectingReader, DEFAULT_POLICY, type Category } from '@prism-telemetry/privacy';
import { runAlternating } from '../harness/alternate.js';
import { formatRate } from '../harness/format.js';
import { ratioGoal } from '../harness/goal.js';
import { elapsedMillis, max, min } from '../harness/stats.js';
import type { BenchContext, BenchResult, Benchmark } from '../harness/types.js';

const GOAL_RATIO = 0.5;

/** A pseudonym as the privacy policy writes it (`anon:` + 32 hex digits). */
function pseudonym(text: string): string {
  return 'anon:' + createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * One collection of `points` data points, shaped like the agent's output at the `detailed` level (the widest):
 * file system usage per hashed mountpoint and state, network bytes per hashed device and direction, plus a few
 * critical-error counts, so the exporter splits each export into two category files.
 */
async function collectPoints(points: number): Promise<{ metrics: ResourceMetrics; healthPoints: number }> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'prism-telemetry-agent',
      'service.version': '0.1.0',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'prism.privacy_level': 'detailed',
    }),
    readers: [reader],
  });
  const meter = provider.getMeter('prism-telemetry/receiver/hostmetrics', '0.1.0');
  const usage = meter.createGauge('system.filesystem.usage', { unit: 'By' });
  const io = meter.createCounter('system.network.io', { unit: 'By' });
  const errors = meter.createCounter('prism.errors.critical', { unit: '{error}' });
  const errorPoints = Math.max(1, Math.floor(points / 100));
  for (let i = 0; i < errorPoints; i++) errors.add(1, { 'error.type': `Error${i}`, 'error.code': 'ECONNREFUSED' });
  let recorded = errorPoints;
  for (let i = 0; recorded < points; i++) {
    const states = ['used', 'free', 'reserved'];
    const directions = ['transmit', 'receive'];
    if (i % 2 === 0) {
      const mountpoint = pseudonym(`/mnt/volume-${i}`);
      for (const state of states.slice(0, points - recorded)) {
        usage.record(1e9 + i * 4096, { 'system.filesystem.mountpoint': mountpoint, 'system.filesystem.state': state });
        recorded++;
      }
    } else {
      const device = pseudonym(`eth${i}`);
      for (const direction of directions.slice(0, points - recorded)) {
        io.add(1e6 + i, { 'network.io.direction': direction, 'system.device': device });
        recorded++;
      }
    }
  }
  const metrics = await reader.collectOnce();
  await provider.shutdown();
  return { metrics, healthPoints: points - errorPoints };
}

const CATEGORIES = new Map<string, Category>(DEFAULT_POLICY.metrics.map((m) => [m.name, m.category]));
const categoryOf = (metricName: string): Category | undefined => CATEGORIES.get(metricName);

async function exportOrThrow(exporter: FileExporter, metrics: ResourceMetrics): Promise<void> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(metrics, resolve));
  if (result.code !== ExportResultCode.SUCCESS) {
    throw new Error(`export-file: the FileExporter failed: ${result.error?.message ?? 'no error given'}`);
  }
}

/** Counts written lines and the data points of the last health line, to check nothing was lost. */
async function readBack(dataDir: string): Promise<{ lines: number; pointsPerHealthLine: number }> {
  let lines = 0;
  let pointsPerHealthLine = 0;
  for (const category of await readdir(path.join(dataDir, 'metrics'))) {
    for (const file of await readdir(path.join(dataDir, 'metrics', category))) {
      const text = (await readFile(path.join(dataDir, 'metrics', category, file), 'utf8')).trimEnd();
      const all = text.split('\n');
      lines += all.length;
      if (category !== 'health') continue;
      const request = JSON.parse(all[all.length - 1]!) as {
        resourceMetrics: Array<{
          scopeMetrics: Array<{ metrics: Array<Record<string, { dataPoints?: unknown[] } | undefined>> }>;
        }>;
      };
      pointsPerHealthLine = 0;
      for (const rm of request.resourceMetrics) {
        for (const sm of rm.scopeMetrics) {
          for (const m of sm.metrics) pointsPerHealthLine += (m['gauge'] ?? m['sum'])?.dataPoints?.length ?? 0;
        }
      }
    }
  }
  return { lines, pointsPerHealthLine };
}

interface FileRound {
  pointsPerSecond: number;
  bytesPerExport: number;
}

/**
 * One FileExporter round in a fresh directory, as a fresh agent would write: one untimed export first (it creates
 * the directories and opens the day files), then `exports` timed ones. The files are read back and removed, so the
 * disk only ever holds one round.
 */
async function fileRound(
  root: string,
  metrics: ResourceMetrics,
  exports: number,
  expected: { pointsPerExport: number; healthPoints: number },
): Promise<FileRound> {
  const dataDir = await mkdtemp(path.join(root, 'round-'));
  const exporter = new FileExporter({ dataDir, categoryOf, clock: systemClock, logger: createMemoryLogger() });
  try {
    await exportOrThrow(exporter, metrics);
    const start = process.hrtime.bigint();
    for (let i = 0; i < exports; i++) await exportOrThrow(exporter, metrics);
    const pointsPerSecond = (expected.pointsPerExport * exports) / (elapsedMillis(start) / 1000);
    await exporter.shutdown();
    const written = await readBack(dataDir);
    // Every export writes one health line and one errors line.
    const lines = 2 * (exports + 1);
    if (written.lines !== lines || written.pointsPerHealthLine !== expected.healthPoints) {
      throw new Error(
        `export-file: expected ${lines} lines with ${expected.healthPoints} health points each, ` +
          `read ${written.lines} lines, ${written.pointsPerHealthLine} points in the last health line`,
      );
    }
    return { pointsPerSecond, bytesPerExport: exporter.stats().bytes / (exports + 1) };
  } finally {
    await exporter.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function run(context: BenchContext): Promise<BenchResult> {
  const pointsPerExport = 1_000;
  const exportsPerRound = context.quick ? 5 : 40;
  const rounds = context.quick ? 5 : 15;
  const warmupRounds = context.quick ? 1 : 3;
  const { metrics, healthPoints } = await collectPoints(pointsPerExport);
  const root = await mkdtemp(path.join(os.tmpdir(), 'prism-bench-export-'));
  let fileBytes = 0;
  let stringifiedBytes = 0;
  try {
    context.progress(`${rounds} rounds per variant of ${exportsPerRound} exports x ${pointsPerExport} points`);
    const [file, stringify] = await runAlternating(
      [
        {
          label: 'FileExporter',
          round: async () => {
            const round = await fileRound(root, metrics, exportsPerRound, { pointsPerExport, healthPoints });
            fileBytes = round.bytesPerExport;
            return round.pointsPerSecond;
          },
        },
        {
          label: 'JSON.stringify',
          round: () => {
            const start = process.hrtime.bigint();
            for (let i = 0; i < exportsPerRound; i++) stringifiedBytes = JSON.stringify(metrics).length;
            return (pointsPerExport * exportsPerRound) / (elapsedMillis(start) / 1000);
          },
        },
      ],
      { rounds, warmupRounds, progress: context.progress },
    );
    const ratio = file!.median / stringify!.median;
    return {
      name: 'export-file',
      title: 'FileExporter (OTLP-JSON lines to a temp dir) vs JSON.stringify of the same ResourceMetrics',
      method:
        `${pointsPerExport} points per export (health + errors categories), ${exportsPerRound} exports per round ` +
        `into a fresh directory, ${rounds} alternating rounds, medians; no fsync in the timed part (the exporter ` +
        `syncs on flush only)`,
      table: {
        columns: ['variant', 'median points/s', 'min', 'max', 'rounds'],
        rows: [stringify!, file!].map((v) => [
          v.label,
          formatRate(v.median),
          formatRate(min(v.rates)),
          formatRate(max(v.rates)),
          v.rates.length,
        ]),
      },
      goals: [ratioGoal('FileExporter / JSON.stringify', ratio, '>=', GOAL_RATIO)],
      ratios: [],
      measurements: {
        pointsPerExport,
        exportsPerRound,
        fileMedianPointsPerSecond: file!.median,
        stringifyMedianPointsPerSecond: stringify!.median,
        filePointsPerSecond: file!.rates,
        stringifyPointsPerSecond: stringify!.rates,
        fileBytesPerExport: fileBytes,
        stringifiedBytesPerExport: stringifiedBytes,
      },
      notes: [
        `checked: every round's lines read back with ${healthPoints} points per health line; ` +
          `${(fileBytes / 1024).toFixed(0)} KiB of OTLP-JSON per export, ` +
          `JSON.stringify gives ${(stringifiedBytes / 1024).toFixed(0)} KiB`,
      ],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export const exportFile: Benchmark = {
  name: 'export-file',
  summary: 'points/s through the FileExporter vs JSON.stringify of the same data (goal >= 0.5x)',
  run,
};
