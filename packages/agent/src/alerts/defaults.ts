import type { AlertRule, MetricAlertRule } from './rule.js';

const MINUTE = 60_000;

const metricRule = (
  rule: Pick<MetricAlertRule, 'name' | 'metric' | 'condition' | 'threshold' | 'severity' | 'summary'> &
    Partial<MetricAlertRule>,
): MetricAlertRule => ({
  kind: 'metric',
  forMillis: 0,
  keepFiringForMillis: 0,
  hysteresis: 0,
  match: {},
  function: 'value',
  windowMillis: MINUTE,
  aggregate: 'none',
  ...rule,
});

/** Names of the alerts the agent raises itself, rather than evaluates on a metric. */
export const RAISED_ALERTS = ['agent_crash_restart'] as const;
export type RaisedAlert = (typeof RAISED_ALERTS)[number];

/**
 * The built-in rules (docs/ALERTS.md lists them). A user overrides one by writing a rule with its name (only
 * the fields written change) or turns them off with `defaults: false` or `disable: [name]`. Hystereses and
 * keep_firing_for are set so a value hovering at a threshold does not fire and resolve every interval.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  metricRule({
    name: 'cpu_high',
    metric: 'system.cpu.utilization',
    condition: '>',
    threshold: 0.9,
    forMillis: 5 * MINUTE,
    hysteresis: 0.05,
    severity: 'warning',
    summary: 'CPU utilization is {{value}}, above {{threshold}}',
  }),
  metricRule({
    name: 'memory_high',
    metric: 'system.memory.utilization',
    condition: '>',
    threshold: 0.9,
    forMillis: 5 * MINUTE,
    hysteresis: 0.05,
    severity: 'warning',
    summary: 'memory utilization is {{value}}, above {{threshold}}',
  }),
  metricRule({
    name: 'disk_high',
    metric: 'system.filesystem.utilization',
    condition: '>',
    threshold: 0.9,
    forMillis: 5 * MINUTE,
    hysteresis: 0.02,
    severity: 'warning',
    summary: 'a file system is {{value}} full, above {{threshold}}',
  }),
  metricRule({
    name: 'service_down',
    metric: 'prism.service.up',
    condition: '==',
    threshold: 0,
    forMillis: MINUTE,
    severity: 'critical',
    summary: 'service {{service}} is down',
  }),
  metricRule({
    name: 'service_slow',
    metric: 'prism.service.latency',
    condition: '>',
    threshold: 1,
    forMillis: MINUTE,
    keepFiringForMillis: MINUTE,
    severity: 'warning',
    summary: 'service {{service}} took {{value}} s to answer, above {{threshold}} s',
  }),
  metricRule({
    name: 'error_burst',
    metric: 'prism.errors.critical',
    function: 'increase',
    windowMillis: MINUTE,
    aggregate: 'sum',
    condition: '>=',
    threshold: 5,
    keepFiringForMillis: 5 * MINUTE,
    severity: 'critical',
    summary: '{{value}} critical errors in the last minute',
  }),
  metricRule({
    name: 'level_declining',
    metric: 'prism.app.level.evolution',
    condition: '==',
    threshold: -1,
    forMillis: 10 * MINUTE,
    severity: 'warning',
    summary: 'the application level has been declining for 10 minutes',
  }),
  {
    kind: 'event',
    name: 'agent_crash_restart',
    severity: 'warning',
    summary: 'the agent restarted after a crash: the previous agent left its lock behind',
    keepFiringForMillis: 60 * MINUTE,
  },
];
