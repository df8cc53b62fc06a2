import type { Attributes, Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { Logger } from '../../component/logger.js';

/**
 * The part of the privacy package's `MetricRule` this receiver reads. Declared here, structurally, until
 * `@prism-telemetry/privacy` exports its types; `DEFAULT_POLICY.metrics` is assignable to it.
 */
export interface HostMetricRule {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly instrument: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
  readonly attributes?: readonly { readonly key: string }[];
}

/**
 * How the receiver produces each metric: `level` is a reading of the current value, `delta` is the growth
 * of a kernel counter since the previous scrape. The policy picks the instrument kind; these say which
 * kinds can carry the value without lying.
 */
const PRODUCED = {
  'system.cpu.utilization': 'level',
  'system.cpu.logical.count': 'level',
  'system.cpu.time': 'delta',
  'system.cpu.load_average.1m': 'level',
  'system.cpu.load_average.5m': 'level',
  'system.cpu.load_average.15m': 'level',
  'system.memory.limit': 'level',
  'system.memory.utilization': 'level',
  'system.memory.usage': 'level',
  'system.filesystem.utilization': 'level',
  'system.filesystem.usage': 'level',
  'system.network.io': 'delta',
  'system.network.errors': 'delta',
  'system.uptime': 'level',
  'prism.agent.uptime': 'level',
} as const;

export type HostMetricName = keyof typeof PRODUCED;
export const HOST_METRIC_NAMES = Object.keys(PRODUCED) as HostMetricName[];

const KINDS_FOR = {
  level: ['gauge', 'histogram'],
  delta: ['counter', 'updowncounter'],
} as const satisfies Record<'level' | 'delta', readonly HostMetricRule['instrument'][]>;

type LevelInstrument = Gauge | Histogram;
type DeltaInstrument = Counter | UpDownCounter;

/** The receiver's instruments; a metric the policy does not list is a silent no-op. */
export class HostInstruments {
  readonly #levels = new Map<HostMetricName, LevelInstrument>();
  readonly #deltas = new Map<HostMetricName, DeltaInstrument>();
  readonly #attributeKeys = new Map<HostMetricName, ReadonlySet<string>>();

  constructor(meter: Meter, metrics: readonly HostMetricRule[], logger: Logger) {
    for (const rule of metrics) {
      if (!Object.hasOwn(PRODUCED, rule.name)) continue;
      const name = rule.name as HostMetricName;
      const produced = PRODUCED[name];
      const options = { unit: rule.unit, description: rule.description };
      this.#attributeKeys.set(name, new Set((rule.attributes ?? []).map((attribute) => attribute.key)));
      if (produced === 'level' && rule.instrument === 'gauge') this.#levels.set(name, meter.createGauge(name, options));
      else if (produced === 'level' && rule.instrument === 'histogram')
        this.#levels.set(name, meter.createHistogram(name, options));
      else if (produced === 'delta' && rule.instrument === 'counter')
        this.#deltas.set(name, meter.createCounter(name, options));
      else if (produced === 'delta' && rule.instrument === 'updowncounter')
        this.#deltas.set(name, meter.createUpDownCounter(name, options));
      else
        logger.warn('host metric skipped: the policy instrument kind cannot carry this value', {
          metric: name,
          policyInstrument: rule.instrument,
          expected: KINDS_FOR[produced].join('|'),
        });
    }
  }

  has(name: HostMetricName): boolean {
    return this.#levels.has(name) || this.#deltas.has(name);
  }

  /** Whether the policy declares `key` on `name`, for attributes that exist only on some policies. */
  declares(name: HostMetricName, key: string): boolean {
    return this.#attributeKeys.get(name)?.has(key) ?? false;
  }

  level(name: HostMetricName, value: number, attributes?: Attributes): void {
    if (Number.isFinite(value)) this.#levels.get(name)?.record(value, attributes);
  }

  /** Zero is recorded too, so a quiet series (steal time, an idle interface) exists with value 0. */
  delta(name: HostMetricName, value: number, attributes?: Attributes): void {
    if (Number.isFinite(value) && value >= 0) this.#deltas.get(name)?.add(value, attributes);
  }
}
