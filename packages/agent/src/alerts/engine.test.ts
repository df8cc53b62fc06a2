import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from './defaults.js';
import { AlertEngine } from './engine.js';
import { exportOf, gaugeExport, type PointSpec } from './metrics.test.helper.js';
import type { AlertEvent, AlertRule, MetricAlertRule } from './rule.js';
import { SeriesStore } from './series-store.js';

const START = Date.UTC(2026, 10, 1, 12);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function rule(overrides: Partial<MetricAlertRule>): MetricAlertRule {
  return {
    kind: 'metric',
    name: 'cpu',
    metric: 'system.cpu.utilization',
    condition: '>',
    threshold: 0.9,
    forMillis: 0,
    keepFiringForMillis: 0,
    hysteresis: 0,
    severity: 'warning',
    summary: 'cpu {{value}} above {{threshold}}',
    match: {},
    function: 'value',
    windowMillis: MINUTE,
    aggregate: 'none',
    ...overrides,
  };
}

/** An engine and store driven the way the exporter drives them: one export every `step`, then evaluate. */
function harness(rules: AlertRule[], stepMillis = 10 * SECOND) {
  const engine = new AlertEngine({ rules });
  const store = new SeriesStore({ historyMillis: engine.historyMillis() });
  let now = START;
  const events: AlertEvent[] = [];
  return {
    engine,
    store,
    events,
    now: () => now,
    /** Feeds one export built by `make` and evaluates; returns this step's events. */
    step(make: () => Parameters<SeriesStore['ingest']>[0] | undefined): AlertEvent[] {
      now += stepMillis;
      const metrics = make();
      if (metrics) store.ingest(metrics, now);
      store.forgetStale(now, 5 * MINUTE);
      const out = engine.evaluate(store, now);
      events.push(...out);
      return out;
    },
    /** Feeds a sequence of gauge values of the rule's metric. */
    gauge(values: number[], metric = 'system.cpu.utilization', attributes?: PointSpec['attributes']): void {
      for (const v of values) this.step(() => gaugeExport(metric, v, attributes));
    },
  };
}

const states = (events: AlertEvent[]) => events.map((e) => `${e.alert}:${e.state}`);

describe('AlertEngine lifecycle', () => {
  it('pending does not fire before `for`; fires once when it has held that long', () => {
    const h = harness([rule({ forMillis: 5 * MINUTE })]);
    h.gauge([0.5, 0.95]);
    expect(states(h.events)).toEqual(['cpu:pending']);
    const pendingAt = h.now();
    for (let t = 0; t < 29; t++) h.gauge([0.96]);
    expect(h.now() - pendingAt).toBe(290 * SECOND);
    expect(states(h.events)).toEqual(['cpu:pending']);
    h.gauge([0.97]);
    expect(states(h.events)).toEqual(['cpu:pending', 'cpu:firing']);
    expect(h.events[1]).toMatchObject({ value: 0.97, summary: 'cpu 0.97 above 0.9', severity: 'warning', series: {} });
    h.gauge([0.99, 0.99, 0.99]);
    expect(h.events).toHaveLength(2);
  });

  it('a dip while pending starts `for` over, and records no extra pending event within `for`', () => {
    const h = harness([rule({ forMillis: MINUTE })]);
    h.gauge([0.95, 0.95, 0.95, 0.5, 0.95, 0.95, 0.95, 0.95, 0.95]);
    expect(states(h.events)).toEqual(['cpu:pending']);
    h.gauge([0.95, 0.95]);
    expect(states(h.events)).toEqual(['cpu:pending', 'cpu:firing']);
  });

  it('flapping around the threshold within the hysteresis is one episode, resolved once', () => {
    const h = harness([rule({ hysteresis: 0.05 })]);
    h.gauge([0.91, 0.88, 0.92, 0.86, 0.93, 0.89, 0.91, 0.87]);
    expect(states(h.events)).toEqual(['cpu:firing']);
    h.gauge([0.84]);
    expect(states(h.events)).toEqual(['cpu:firing', 'cpu:resolved']);
    expect(h.events[1]).toMatchObject({ value: 0.84, summary: h.events[0]!.summary });
    h.gauge([0.5, 0.6, 0.84, 0.7]);
    expect(h.events).toHaveLength(2);
  });

  it('without hysteresis the same flapping would storm: the control case', () => {
    const h = harness([rule({})]);
    h.gauge([0.91, 0.88, 0.92, 0.86]);
    expect(states(h.events)).toEqual(['cpu:firing', 'cpu:resolved', 'cpu:firing', 'cpu:resolved']);
  });

  it('keep_firing_for: a dip shorter than it does not resolve; the episode resolves once after it', () => {
    const h = harness([rule({ keepFiringForMillis: MINUTE })]);
    h.gauge([0.95]);
    h.gauge([0.5, 0.5, 0.5, 0.5, 0.5]); // 50 s below
    h.gauge([0.95]); // back: same episode
    expect(states(h.events)).toEqual(['cpu:firing']);
    h.gauge([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(states(h.events)).toEqual(['cpu:firing']);
    h.gauge([0.5]); // 60 s after the value last held
    expect(states(h.events)).toEqual(['cpu:firing', 'cpu:resolved']);
    h.gauge([0.5, 0.5, 0.5]);
    expect(h.events).toHaveLength(2);
  });

  it('each series is its own alert; match narrows; {{service}} names the series', () => {
    const down = rule({
      name: 'down',
      metric: 'prism.service.up',
      condition: '==',
      threshold: 0,
      summary: 'service {{service}} is down',
      match: { 'prism.service.type': 'redis' },
    });
    const h = harness([down]);
    const up = (cache: number, graph: number, db: number) =>
      exportOf([
        {
          name: 'prism.service.up',
          points: [
            { value: cache, attributes: { 'prism.service': 'cache', 'prism.service.type': 'redis' } },
            { value: graph, attributes: { 'prism.service': 'graph', 'prism.service.type': 'neo4j' } },
            { value: db, attributes: { 'prism.service': 'sessions', 'prism.service.type': 'redis' } },
          ],
        },
      ]);
    h.step(() => up(1, 0, 1));
    expect(h.events).toEqual([]);
    h.step(() => up(0, 0, 0));
    expect(h.events.map((e) => e.summary).sort()).toEqual(['service cache is down', 'service sessions is down']);
    h.step(() => up(1, 0, 0));
    expect(h.events.at(-1)).toMatchObject({ state: 'resolved', series: { 'prism.service': 'cache' } });
    expect(h.engine.firing().map((f) => f.series['prism.service'])).toEqual(['sessions']);
  });

  it('a firing series that stops being exported resolves once it is stale', () => {
    const h = harness([rule({})]);
    h.gauge([0.95]);
    for (let i = 0; i < 30; i++) h.step(() => undefined);
    expect(states(h.events)).toEqual(['cpu:firing']);
    for (let i = 0; i < 2; i++) h.step(() => undefined);
    expect(states(h.events)).toEqual(['cpu:firing', 'cpu:resolved']);
    expect(h.events[1]!.value).toBe(0.95);
  });
});

describe('increase (error bursts)', () => {
  const burst = rule({
    name: 'error_burst',
    metric: 'prism.errors.critical',
    function: 'increase',
    windowMillis: MINUTE,
    aggregate: 'sum',
    condition: '>=',
    threshold: 5,
    keepFiringForMillis: 2 * MINUTE,
    summary: '{{value}} critical errors in the last minute',
  });
  const errors = (
    byType: Record<string, number>,
    temporality = AggregationTemporality.CUMULATIVE,
    startMillis = START,
  ) =>
    exportOf([
      {
        name: 'prism.errors.critical',
        sum: temporality,
        points: Object.entries(byType).map(([type, value]) => ({
          value,
          startMillis,
          attributes: { 'error.type': type },
        })),
      },
    ]);

  it('fires on 5 errors within a minute across error types, once, and resolves after keep_firing_for', () => {
    const h = harness([burst]);
    h.step(() => errors({ Timeout: 1 }));
    h.step(() => errors({ Timeout: 1 }));
    h.step(() => errors({ Timeout: 3 }));
    expect(h.events).toEqual([]);
    h.step(() => errors({ Timeout: 3, DbError: 2 }));
    expect(states(h.events)).toEqual(['error_burst:firing']);
    expect(h.events[0]!.summary).toBe('5 critical errors in the last minute');
    // No new errors. The first one (at 10 s) leaves the window at 70 s, so the condition last held at 60 s;
    // keep_firing_for (2 min) then runs out at 180 s.
    while (h.now() < START + 170 * SECOND) h.step(() => errors({ Timeout: 3, DbError: 2 }));
    expect(states(h.events)).toEqual(['error_burst:firing']);
    h.step(() => errors({ Timeout: 3, DbError: 2 }));
    expect(states(h.events)).toEqual(['error_burst:firing', 'error_burst:resolved']);
  });

  it('a slow trickle (1 error every 20 s) never adds up to 5 a minute', () => {
    const h = harness([burst]);
    let total = 0;
    for (let i = 0; i < 60; i++) h.step(() => errors({ Timeout: i % 2 === 0 ? ++total : total }));
    expect(h.events).toEqual([]);
  });

  it('a counter reset (the app restarted) counts its new value as growth, not a negative burst', () => {
    const h = harness([burst]);
    const cumulative = AggregationTemporality.CUMULATIVE;
    const longAgo = START - 60 * MINUTE;
    for (let i = 0; i < 10; i++) h.step(() => errors({ Timeout: 100 }, cumulative, longAgo));
    h.step(() => errors({ Timeout: 2 }, cumulative, longAgo));
    expect(h.events).toEqual([]);
    h.step(() => errors({ Timeout: 6 }, cumulative, longAgo));
    expect(states(h.events)).toEqual(['error_burst:firing']);
  });

  it('delta points (a sharing pipeline) are added up', () => {
    const h = harness([burst]);
    h.step(() => errors({ Timeout: 2 }, AggregationTemporality.DELTA));
    h.step(() => errors({ Timeout: 2 }, AggregationTemporality.DELTA));
    expect(h.events).toEqual([]);
    h.step(() => errors({ Timeout: 1 }, AggregationTemporality.DELTA));
    expect(states(h.events)).toEqual(['error_burst:firing']);
  });

  it('a counter first seen with a large total from long ago counts only its share of the window', () => {
    const h = harness([burst]);
    // 1000 errors since a stream that started 10 hours ago: ~1.7 a minute, not a burst.
    h.step(() =>
      exportOf([
        {
          name: 'prism.errors.critical',
          sum: AggregationTemporality.CUMULATIVE,
          points: [{ value: 1000, startMillis: START - 10 * 60 * MINUTE, attributes: { 'error.type': 'X' } }],
        },
      ]),
    );
    expect(h.events).toEqual([]);
  });
});

describe('restore and raise', () => {
  it('an alert firing when the agent stopped is not fired again, and resolves when the value says so', () => {
    const before = harness([rule({})]);
    before.gauge([0.95]);
    const after = harness([rule({})]);
    expect(after.engine.restore(before.events, START)).toEqual([]);
    after.gauge([0.96, 0.97]);
    expect(after.events).toEqual([]);
    after.gauge([0.5]);
    expect(states(after.events)).toEqual(['cpu:resolved']);
  });

  it('an alert whose rule is gone resolves at once; one whose series never returns resolves when stale', () => {
    const before = harness([rule({}), rule({ name: 'old' })]);
    before.gauge([0.95]);
    const after = harness([rule({})]);
    const restored = after.engine.restore(before.events, START);
    expect(states(restored)).toEqual(['old:resolved']);
    for (let i = 0; i < 31; i++) after.step(() => undefined);
    expect(states(after.events)).toEqual(['cpu:resolved']);
  });

  it('raise fires once, ignores repeats while firing, and resolves after keep_firing_for', () => {
    const crash = DEFAULT_ALERT_RULES.find((r) => r.name === 'agent_crash_restart')!;
    const h = harness([crash]);
    expect(states(h.engine.raise('agent_crash_restart', undefined, START))).toEqual(['agent_crash_restart:firing']);
    expect(h.engine.raise('agent_crash_restart', undefined, START + 1)).toEqual([]);
    expect(h.engine.firing()).toEqual([expect.objectContaining({ alert: 'agent_crash_restart', value: null })]);
    for (let i = 0; i < 359; i++) h.step(() => undefined);
    expect(h.events).toEqual([]);
    h.step(() => undefined);
    expect(states(h.events)).toEqual(['agent_crash_restart:resolved']);
    expect(h.engine.raise('unknown_or_disabled', 'x', START)).toEqual([]);
  });
});
