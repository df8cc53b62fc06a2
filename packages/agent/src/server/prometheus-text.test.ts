import { spawnSync } from 'node:child_process';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { CollectingReader } from '@prism-telemetry/privacy';
import { toPrometheusText } from './prometheus-text.js';

async function collect(record: (provider: MeterProvider) => void) {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc', 'prism.privacy_level': 'standard' }),
    readers: [reader],
  });
  record(provider);
  const metrics = await reader.collectOnce();
  await provider.shutdown();
  return metrics;
}

const promtool = spawnSync('/usr/bin/promtool', ['--version']).status === 0;

describe('toPrometheusText', () => {
  it('writes gauges, counters and histograms, one family per name, that promtool accepts', async () => {
    const text = toPrometheusText(
      await collect((provider) => {
        const a = provider.getMeter('scope/a');
        const b = provider.getMeter('scope/b');
        a.createGauge('system.cpu.logical.count', { description: 'CPUs.' }).record(2);
        a.createCounter('prism.errors.critical', { description: 'Errors.' }).add(3, { 'error.type': 'Boom "x"\n' });
        b.createCounter('prism.errors.critical', { description: 'Errors.' }).add(1, { 'error.type': 'Other' });
        a.createHistogram('http.server.request.duration', { description: 'Duration.' }).record(0.2, {
          'http.request.method': 'GET',
        });
      }),
    );
    expect(text).toContain('target_info{service_name="svc",prism_privacy_level="standard"} 1\n');
    expect(text).toContain('# TYPE system_cpu_logical_count_value gauge\n');
    expect(text.match(/# TYPE prism_errors_critical_total counter/g)).toHaveLength(1);
    expect(text).toContain('prism_errors_critical_total{error_type="Boom \\"x\\"\\n",otel_scope_name="scope/a"} 3\n');
    expect(text).toContain('prism_errors_critical_total{error_type="Other",otel_scope_name="scope/b"} 1\n');
    expect(text).toMatch(
      /http_server_request_duration_bucket\{http_request_method="GET",otel_scope_name="scope\/a",le="\+Inf"\} 1\n/,
    );
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="GET",otel_scope_name="scope/a"} 1\n',
    );
    if (!promtool) {
      expect(process.env['CI'], 'promtool is required under CI=true').not.toBe('true');
      return;
    }
    const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
  });

  it('is empty when nothing is collected', () => {
    expect(toPrometheusText(undefined)).toBe('');
  });
});
