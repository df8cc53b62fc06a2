import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../alerts/defaults.js';
import type { MetricAlertRule } from '../alerts/rule.js';
import { alertsExporterSchema, type AlertsExporterConfig } from './alerts-schema.js';

function parse(input: unknown): AlertsExporterConfig {
  const result = alertsExporterSchema.safeParse(input);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

function issues(input: unknown): Array<{ path: string; message: string; hint?: string }> {
  const result = alertsExporterSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => {
    const hint = (i as { params?: { hint?: string } }).params?.hint;
    return { path: i.path.join('.'), message: i.message, ...(hint ? { hint } : {}) };
  });
}

const rule = (config: AlertsExporterConfig, name: string) => config.rules.find((r) => r.name === name);

describe('alerts exporter config', () => {
  it('an empty config is every built-in rule', () => {
    const config = parse({});
    expect(config.rules.map((r) => r.name)).toEqual(DEFAULT_ALERT_RULES.map((r) => r.name));
    expect(config.command).toBeUndefined();
    expect(config.webhook).toBeUndefined();
  });

  it('a rule with a built-in name changes only the fields it writes', () => {
    const config = parse({ rules: [{ name: 'service_slow', threshold: 0.25, match: { 'prism.service': 'cache' } }] });
    const slow = rule(config, 'service_slow') as MetricAlertRule;
    expect(slow).toMatchObject({
      metric: 'prism.service.latency',
      condition: '>',
      threshold: 0.25,
      forMillis: 60_000,
      match: { 'prism.service': 'cache' },
    });
  });

  it('defaults: false and disable: [name] turn built-in rules off', () => {
    expect(parse({ defaults: false }).rules).toEqual([]);
    const names = parse({ disable: ['cpu_high', 'agent_crash_restart'] }).rules.map((r) => r.name);
    expect(names).not.toContain('cpu_high');
    expect(names).not.toContain('agent_crash_restart');
    expect(names).toContain('memory_high');
  });

  it('a new rule with durations, function and aggregate', () => {
    const config = parse({
      defaults: false,
      rules: [
        {
          name: 'errors_fast',
          metric: 'prism.errors.critical',
          condition: '>=',
          threshold: 3,
          function: 'increase',
          window: '30s',
          aggregate: 'sum',
          for: '0s',
          keep_firing_for: '2m',
          severity: 'critical',
          summary: '{{value}} errors',
        },
      ],
    });
    expect(config.rules).toEqual([
      expect.objectContaining({ windowMillis: 30_000, keepFiringForMillis: 120_000, function: 'increase' }),
    ]);
  });

  it('reports what is wrong with a rule, at its path', () => {
    expect(issues({ rules: [{ name: 'x' }] })).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'rules.0', message: 'a new rule needs metric' })]),
    );
    expect(issues({ rules: [{ name: 'x', metric: 'system.cpu.utilisation', condition: '>', threshold: 1 }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.metric', hint: 'did you mean "system.cpu.utilization"?' }),
    ]);
    expect(issues({ rules: [{ name: 'cpu_high', condition: '' }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.condition', hint: "quote it: condition: '>'" }),
    ]);
    expect(issues({ rules: [{ name: 'disk_high', match: { mountpoint: '/' } }] })).toEqual([
      expect.objectContaining({
        path: 'rules.0.match.mountpoint',
        message: 'is not an attribute of system.filesystem.utilization',
      }),
    ]);
    expect(issues({ rules: [{ name: 'service_down', condition: '!=', threshold: 1, hysteresis: 0.5 }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.hysteresis' }),
    ]);
    expect(issues({ rules: [{ name: 'cpu_high', window: '1m' }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.window' }),
    ]);
    expect(issues({ rules: [{ name: 'agent_crash_restart', threshold: 1 }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.threshold' }),
    ]);
    expect(
      issues({ rules: [{ name: 'a', metric: 'prism.app.level', condition: '<', threshold: 5 }, { name: 'a' }] }),
    ).toEqual([expect.objectContaining({ path: 'rules.1.name', message: 'rule "a" is defined twice' })]);
    expect(issues({ rules: [{ name: 'cpu_high', for: '5' }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.for', message: 'a duration needs a unit' }),
    ]);
    expect(issues({ rules: [{ name: 'cpu_high', severity: 'critcal' }] })).toEqual([
      expect.objectContaining({ path: 'rules.0.severity', hint: 'did you mean "critical"?' }),
    ]);
    expect(issues({ disable: ['cpu_hgh'] })).toEqual([
      expect.objectContaining({ path: 'disable.0', hint: 'did you mean "cpu_high"?' }),
    ]);
    expect(issues({ rules: [{ name: 'cpu_high', unknown: 1 }] })).toHaveLength(1);
  });

  it('the webhook must be on this machine', () => {
    for (const ok of [
      'http://127.0.0.1:9000/alert',
      'http://localhost:1/x',
      'http://[::1]:80/',
      'https://127.8.9.10/',
    ]) {
      expect(parse({ webhook: ok }).webhook, ok).toBe(ok);
    }
    for (const bad of [
      'http://192.168.1.10:9000/alert',
      'https://hooks.example.com/x',
      'http://127.0.0.1.example.com/',
      'http://localhost.example.com/',
      'http://[::ffff:8.8.8.8]/',
      'http://0.0.0.0:9000/',
    ]) {
      expect(issues({ webhook: bad }), bad).toEqual([
        expect.objectContaining({
          path: 'webhook',
          message: expect.stringContaining('nothing is ever sent off the machine by an alert'),
        }),
      ]);
    }
    expect(issues({ webhook: 'file:///tmp/x' })[0]?.message).toBe('must be an http or https URL');
    expect(issues({ webhook: 'http://user:pw@127.0.0.1/' })[0]?.message).toBe('must not contain credentials');
  });

  it('the command is a non-empty argv list', () => {
    expect(parse({ command: ['notify-send', 'Prism'] }).command).toEqual(['notify-send', 'Prism']);
    expect(issues({ command: [] })[0]?.message).toBe('must name a program');
    expect(issues({ command: 'notify-send Prism' })[0]?.path).toBe('command');
  });
});
