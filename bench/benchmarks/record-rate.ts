import { randomBytes } from 'node:crypto';
import type { Attributes, Counter, Gauge } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type ResourceMetrics, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { CollectingReader, createPrivacy } from '@prism-telemetry/privacy';
import { runAlternating } from '../harness/alternate.js';
import { formatRate } from '../harness/format.js';
import { ratioGoal } from '../harness/goal.js';
import { elapsedMillis, max, min } from '../harness/stats.js';
import type { BenchContext, BenchResult, Benchmark } from '../harness/types.js';

const GOAL_RATIO = 0.7;
const LEVEL = 'standard';

// At `standard` the policy keeps `network.io.direction`, drops `system.device` (it can embed a MAC) and hashes
// `system.filesystem.mountpoint` (a path can name a user): one of each treatment on every record call.
const NETWORK_ATTRIBUTES: Attributes[] = ['eth0', 'wlp2s0', 'enx0a1b2c3d4e5f', 'docker0'].flatMap((device) =>
  ['transmit', 'receive'].map((direction) => ({ 'network.io.direction': direction, 'system.device': device })),
);
const FILESYSTEM_ATTRIBUTES: Attributes[] = ['/', '/boot/efi', '/home', '/home/alice/media', '/var/lib/docker'].map(
  (mountpoint) => ({ 'system.filesystem.mountpoint': mountpoint }),
);

interface Instruments {
  provider: MeterProvider;
  reader: CollectingReader;
  networkIo: Counter;
  filesystemUtilization: Gauge;
}

/** The same MeterProvider setup for both variants; only the Views differ. */
function setUp(views: ViewOptions[] | undefined): Instruments {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'prism-telemetry-bench' }),
    readers: [reader],
    ...(views ? { views } : {}),
  });
  const meter = provider.getMeter('prism-telemetry/bench/record-rate');
  return {
    provider,
    reader,
    networkIo: meter.createCounter('system.network.io', { unit: 'By' }),
    filesystemUtilization: meter.createGauge('system.filesystem.utilization', { unit: '1' }),
  };
}

/** One round of `iterations` x (one counter.add + one gauge.record); returns record calls per second. */
function recordRound(instruments: Instruments, iterations: number): number {
  const { networkIo, filesystemUtilization } = instruments;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    networkIo.add(i & 1023, NETWORK_ATTRIBUTES[i & 7]);
    filesystemUtilization.record((i % 100) / 100, FILESYSTEM_ATTRIBUTES[i % 5]);
  }
  return (2 * iterations) / (elapsedMillis(start) / 1000);
}

/** Picks the iterations per round so that a plain-SDK round lasts about `targetMillis`. */
function calibrate(instruments: Instruments, targetMillis: number): number {
  let iterations = 10_000;
  for (;;) {
    const start = process.hrtime.bigint();
    recordRound(instruments, iterations);
    const took = elapsedMillis(start);
    if (took >= targetMillis / 4 || iterations >= 1 << 26) {
      return Math.max(1_000, Math.round((iterations * targetMillis) / took));
    }
    iterations *= 4;
  }
}

function attributeValues(metrics: ResourceMetrics, metricName: string, key: string): unknown[] {
  const values: unknown[] = [];
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== metricName) continue;
      for (const point of metric.dataPoints) values.push(point.attributes[key]);
    }
  }
  return values;
}

/**
 * Proves the Views did their work, so the ratio is not a measurement of a no-op: with them the device is gone
 * and mountpoints are pseudonyms; without them both pass unchanged.
 */
async function checkOutputs(privacyRun: Instruments, plainRun: Instruments): Promise<string> {
  const withViews = await privacyRun.reader.collectOnce();
  const without = await plainRun.reader.collectOnce();
  const hashed = attributeValues(withViews, 'system.filesystem.utilization', 'system.filesystem.mountpoint');
  const devices = attributeValues(withViews, 'system.network.io', 'system.device');
  const ok =
    hashed.length === FILESYSTEM_ATTRIBUTES.length &&
    hashed.every((v) => typeof v === 'string' && v.startsWith('anon:')) &&
    devices.length === 2 &&
    devices.every((v) => v === undefined) &&
    attributeValues(without, 'system.network.io', 'system.device').length === NETWORK_ATTRIBUTES.length &&
    attributeValues(without, 'system.filesystem.utilization', 'system.filesystem.mountpoint').includes('/home');
  if (!ok) throw new Error('record-rate: the privacy Views did not hash/drop attributes as the policy says');
  return (
    `checked: with the Views ${hashed.length} hashed mountpoints and 2 network.io series (device summed away); ` +
    `without them ${NETWORK_ATTRIBUTES.length} network.io series`
  );
}

async function run(context: BenchContext): Promise<BenchResult> {
  const privacy = createPrivacy({ level: LEVEL, secret: randomBytes(32) });
  const withViews = setUp(privacy.views);
  const plain = setUp(undefined);
  try {
    const roundMillis = context.quick ? 50 : 200;
    const rounds = context.quick ? 6 : 20;
    const warmupRounds = context.quick ? 2 : 4;
    recordRound(withViews, 20_000);
    const iterations = calibrate(plain, roundMillis);
    context.progress(`${rounds} rounds per variant of ${2 * iterations} record calls (~${roundMillis} ms)`);

    const [privacyRates, plainRates] = await runAlternating(
      [
        { label: 'privacy Views', round: () => recordRound(withViews, iterations) },
        { label: 'plain SDK', round: () => recordRound(plain, iterations) },
      ],
      { rounds, warmupRounds, progress: context.progress },
    );
    const check = await checkOutputs(withViews, plain);
    const ratio = privacyRates!.median / plainRates!.median;
    const rows = [plainRates!, privacyRates!].map((v) => [
      v.label,
      formatRate(v.median),
      formatRate(min(v.rates)),
      formatRate(max(v.rates)),
      v.rates.length,
    ]);
    return {
      name: 'record-rate',
      title: `instrument record rate, privacy Views (${LEVEL}) vs the plain SDK`,
      method:
        `counter.add on system.network.io {direction kept, device dropped} + gauge.record on ` +
        `system.filesystem.utilization {mountpoint hashed}; ${rounds} alternating rounds of ${2 * iterations} calls, medians`,
      table: { columns: ['variant', 'median records/s', 'min', 'max', 'rounds'], rows },
      goals: [ratioGoal('privacy Views / plain SDK', ratio, '>=', GOAL_RATIO)],
      ratios: [],
      measurements: {
        level: LEVEL,
        recordsPerRound: 2 * iterations,
        privacyMedianRecordsPerSecond: privacyRates!.median,
        plainMedianRecordsPerSecond: plainRates!.median,
        privacyRecordsPerSecond: privacyRates!.rates,
        plainRecordsPerSecond: plainRates!.rates,
      },
      notes: [check],
    };
  } finally {
    await Promise.all([withViews.provider.shutdown(), plain.provider.shutdown()]);
  }
}

export const recordRate: Benchmark = {
  name: 'record-rate',
  summary: 'record calls/s with the privacy Views vs the plain SDK (goal >= 0.7x)',
  run,
};
