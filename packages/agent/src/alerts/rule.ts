export const CONDITIONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Condition = (typeof CONDITIONS)[number];

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `value`: the series' latest value. `increase`: how much a counter grew over `windowMillis`. */
export const RULE_FUNCTIONS = ['value', 'increase'] as const;
export type RuleFunction = (typeof RULE_FUNCTIONS)[number];

/** `none`: each series (metric + attributes) is its own alert. `sum`: one alert over the sum of all matched. */
export const AGGREGATES = ['none', 'sum'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export type AttributeValue = string | number | boolean;

/** An alert on a metric the pipeline carries. Durations and numbers are parsed: units are in the names. */
export interface MetricAlertRule {
  kind: 'metric';
  name: string;
  metric: string;
  condition: Condition;
  threshold: number;
  /** The condition must hold this long (pending) before the alert fires. */
  forMillis: number;
  /** A firing alert stays firing this long after the condition stops holding, so a dip does not resolve it. */
  keepFiringForMillis: number;
  /** A firing alert resolves only once the value is back past `threshold` by more than this. */
  hysteresis: number;
  severity: Severity;
  /** May use `{{value}}`, `{{threshold}}`, `{{service}}` and `{{<attribute>}}`. */
  summary: string;
  /** Only series whose attributes have these values. */
  match: Record<string, AttributeValue>;
  function: RuleFunction;
  /** For `increase`. */
  windowMillis: number;
  aggregate: Aggregate;
}

/** An alert the agent raises itself (`AlertsExporter.raise`); it resolves `keepFiringForMillis` later. */
export interface EventAlertRule {
  kind: 'event';
  name: string;
  severity: Severity;
  summary: string;
  keepFiringForMillis: number;
}

export type AlertRule = MetricAlertRule | EventAlertRule;

export type AlertState = 'pending' | 'firing' | 'resolved';

/** One line of `<data-dir>/alerts/<YYYY-MM-DD>.jsonl`, and what notifiers receive. */
export interface AlertEvent {
  /** ISO 8601, UTC. */
  at: string;
  alert: string;
  severity: Severity;
  state: AlertState;
  summary: string;
  /** The series' attributes as the privacy policy left them (hashed where the policy hashes). */
  series: Record<string, AttributeValue>;
  /** null for alerts raised by the agent, which have no value. */
  value: number | null;
}
