import { z } from 'zod';
import { DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { DEFAULT_ALERT_RULES, RAISED_ALERTS } from '../alerts/defaults.js';
import { isLoopbackUrl } from '../alerts/loopback.js';
import {
  AGGREGATES,
  CONDITIONS,
  RULE_FUNCTIONS,
  SEVERITIES,
  type AlertRule,
  type AttributeValue,
  type MetricAlertRule,
} from '../alerts/rule.js';
import { didYouMean } from './did-you-mean.js';
import { optionalDuration } from './unit-schemas.js';
import { httpUrl } from './url-schema.js';

export interface AlertsExporterConfig {
  type: 'alerts';
  /** Built-in rules (with the user's overrides) and the user's own, minus the disabled ones. */
  rules: AlertRule[];
  /** Run for each firing/resolved event, without a shell, the event JSON on stdin. */
  command: string[] | undefined;
  /** A loopback URL that receives each firing/resolved event as a JSON POST. */
  webhook: string | undefined;
}

const RULE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const ZERO = { value: 0, text: '0s' };

const nonNegative = z.number().refine((n) => n >= 0, { message: 'must be 0 or more' });

function oneOf<T extends string>(values: readonly T[], hint?: string) {
  return z
    .unknown()
    .transform((input, ctx): T => {
      if (typeof input === 'string' && (values as readonly string[]).includes(input)) return input as T;
      const suggestion = typeof input === 'string' ? didYouMean(input, values) : undefined;
      ctx.addIssue({
        code: 'custom',
        message: `must be one of ${values.join(', ')}`,
        params: { hint: suggestion === undefined ? hint : `did you mean "${suggestion}"?` },
      });
      return z.NEVER;
    })
    .optional();
}

const ruleSchema = z.strictObject({
  name: z.string().refine((n) => RULE_NAME.test(n), {
    message: 'is not a valid rule name',
    params: { hint: 'letters, digits, _, . and -, starting with a letter, e.g. disk_almost_full' },
  }),
  metric: z.string().optional(),
  // YAML reads an unquoted `>` as the start of a folded text block, hence the hint.
  condition: oneOf(CONDITIONS, "quote it: condition: '>'"),
  threshold: z.number().optional(),
  for: optionalDuration(ZERO),
  keep_firing_for: optionalDuration(ZERO),
  hysteresis: nonNegative.optional(),
  severity: oneOf(SEVERITIES),
  summary: z
    .string()
    .refine((s) => s.length <= 200 && !/[\r\n]/.test(s), {
      message: 'must be one line of at most 200 characters',
    })
    .optional(),
  match: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  function: oneOf(RULE_FUNCTIONS),
  window: optionalDuration({ value: 1_000, text: '1s' }),
  aggregate: oneOf(AGGREGATES),
});
type RuleInput = z.output<typeof ruleSchema>;

const commandSchema = z.array(z.string()).refine((argv) => argv.length > 0 && argv[0] !== '', {
  message: 'must name a program',
  params: { hint: 'write a list: command: [notify-send, "Prism alert"]; it runs without a shell' },
});

const webhookSchema = httpUrl({
  exampleHint: 'write e.g. http://127.0.0.1:9000/alert',
  check: (url, ctx) => {
    if (isLoopbackUrl(url.href)) return;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be on this machine (127.0.0.1, ::1 or localhost): nothing is ever sent off the machine by an alert',
      params: { hint: 'run a local relay on 127.0.0.1 if alerts must go further; that choice is then yours' },
    });
  },
});

/** `exporters: alerts[/name]`: local alerting on the pipeline's metrics. */
export const alertsExporterSchema = z
  .strictObject({
    defaults: z.boolean().default(true),
    disable: z.array(z.string()).default([]),
    rules: z.array(ruleSchema).nullable().default([]),
    command: commandSchema.optional(),
    webhook: webhookSchema.optional(),
  })
  .transform((input, ctx): AlertsExporterConfig => {
    const rules = new Map<string, AlertRule>(
      input.defaults ? DEFAULT_ALERT_RULES.map((rule) => [rule.name, rule] as const) : [],
    );
    const issue = (path: (string | number)[], message: string, hint?: string): void =>
      ctx.addIssue({ code: 'custom', path, message, params: { hint } });
    const written = new Set<string>();
    (input.rules ?? []).forEach((ruleInput, index) => {
      if (written.has(ruleInput.name)) {
        issue(['rules', index, 'name'], `rule "${ruleInput.name}" is defined twice`, 'merge the two, or rename one');
        return;
      }
      written.add(ruleInput.name);
      const rule = buildRule(ruleInput, rules.get(ruleInput.name), (path, message, hint) =>
        issue(['rules', index, ...path], message, hint),
      );
      if (rule) rules.set(rule.name, rule);
    });
    input.disable.forEach((name, index) => {
      if (rules.delete(name)) return;
      const suggestion = didYouMean(name, rules.keys());
      issue(
        ['disable', index],
        input.defaults ? 'is not a rule name' : 'is not a rule name (built-in rules are off: defaults is false)',
        suggestion === undefined ? `rules: ${[...rules.keys()].join(', ')}` : `did you mean "${suggestion}"?`,
      );
    });
    return { type: 'alerts', rules: [...rules.values()], command: input.command, webhook: input.webhook };
  });

type Report = (path: (string | number)[], message: string, hint?: string) => void;

/** A rule from its YAML, over the built-in rule of the same name if there is one. Reports what is missing. */
function buildRule(input: RuleInput, base: AlertRule | undefined, report: Report): AlertRule | undefined {
  if (base?.kind === 'event' || (RAISED_ALERTS as readonly string[]).includes(input.name)) {
    return buildRaisedRule(input, base, report);
  }
  const metric = input.metric ?? base?.metric;
  const condition = input.condition ?? base?.condition;
  const threshold = input.threshold ?? base?.threshold;
  let ok = true;
  for (const [key, value] of [
    ['metric', metric],
    ['condition', condition],
    ['threshold', threshold],
  ] as const) {
    if (value === undefined && input[key] === undefined) {
      report([], `a new rule needs ${key}`, 'write metric, condition and threshold (or use a built-in rule name)');
      ok = false;
    }
  }
  const policyRule = metric === undefined ? undefined : DEFAULT_POLICY.metrics.find((m) => m.name === metric);
  if (metric !== undefined && !policyRule) {
    const suggestion = didYouMean(
      metric,
      DEFAULT_POLICY.metrics.map((m) => m.name),
    );
    report(
      ['metric'],
      'is not a metric the policy collects, so the rule could never fire',
      suggestion === undefined ? 'run `prism-telemetry show` for the metric names' : `did you mean "${suggestion}"?`,
    );
    ok = false;
  }
  const match = input.match ?? base?.match ?? {};
  const declared = new Set((policyRule?.attributes ?? []).map((a) => a.key));
  for (const key of Object.keys(match)) {
    if (policyRule && !declared.has(key)) {
      report(
        ['match', key],
        `is not an attribute of ${policyRule.name}`,
        declared.size === 0 ? 'this metric has no attributes: remove match' : `attributes: ${[...declared].join(', ')}`,
      );
      ok = false;
    }
  }
  const hysteresis = input.hysteresis ?? base?.hysteresis ?? 0;
  if (condition === '!=' && hysteresis > 0) {
    report(['hysteresis'], 'has no meaning with condition !=', 'remove hysteresis, or use <, > or ==');
    ok = false;
  }
  const fn = input.function ?? base?.function ?? 'value';
  if (input.window !== undefined && fn !== 'increase') {
    report(['window'], 'only applies to function: increase', 'remove window, or add function: increase');
    ok = false;
  }
  if (!ok || metric === undefined || condition === undefined || threshold === undefined) return undefined;
  return {
    kind: 'metric',
    name: input.name,
    metric,
    condition,
    threshold,
    forMillis: input.for ?? base?.forMillis ?? 0,
    keepFiringForMillis: input.keep_firing_for ?? base?.keepFiringForMillis ?? 0,
    hysteresis,
    severity: input.severity ?? base?.severity ?? 'warning',
    summary: input.summary ?? base?.summary ?? defaultSummary(input.name),
    match: match as Record<string, AttributeValue>,
    function: fn,
    windowMillis: input.window ?? base?.windowMillis ?? 60_000,
    aggregate: input.aggregate ?? base?.aggregate ?? 'none',
  } satisfies MetricAlertRule;
}

/** Alerts the agent raises itself take only severity, summary and keep_firing_for. */
function buildRaisedRule(input: RuleInput, base: AlertRule | undefined, report: Report): AlertRule | undefined {
  const metricOnly = [
    'metric',
    'condition',
    'threshold',
    'for',
    'hysteresis',
    'match',
    'function',
    'window',
    'aggregate',
  ] as const;
  const extra = metricOnly.filter((key) => input[key] !== undefined);
  for (const key of extra) {
    report(
      [key],
      `does not apply to ${input.name}, which the agent raises itself`,
      'set only severity, summary or keep_firing_for',
    );
  }
  if (extra.length > 0) return undefined;
  return {
    kind: 'event',
    name: input.name,
    severity: input.severity ?? base?.severity ?? 'warning',
    summary: input.summary ?? base?.summary ?? defaultSummary(input.name),
    keepFiringForMillis: input.keep_firing_for ?? base?.keepFiringForMillis ?? 3_600_000,
  };
}

function defaultSummary(name: string): string {
  return `${name}: {{value}}`;
}
