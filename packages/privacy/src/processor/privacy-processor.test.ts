import { MeterProvider, type SumMetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { createPrivacy } from '../create-privacy.js';
import { CollectingReader } from '../testing/collecting-reader.js';
import { PERSONAL_DATA_CANARIES, needleForms } from '../testing/canaries.js';
import { PRIVACY_LEVELS } from '../policy/types.js';

const secret = Buffer.alloc(32, 9);

/** Data as an app without our Views would export it: no policy applied yet. */
async function rawExport(record: (provider: MeterProvider) => void, resource: Record<string, string> = {}) {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader], resource: resourceFromAttributes(resource) });
  record(provider);
  return reader.collectOnce();
}

const allPoints = (rm: ResourceMetrics) => rm.scopeMetrics.flatMap((s) => s.metrics);

describe('PrivacyProcessor', () => {
  it('removes metrics the policy does not name, and counts their points', async () => {
    const { processor, drops } = createPrivacy({ level: 'detailed', secret });
    const rm = await rawExport((p) => {
      const c = p.getMeter('app').createCounter('user.logins');
      c.add(1, { user: 'a' });
      c.add(1, { user: 'b' });
      p.getMeter('app').createGauge('system.cpu.utilization').record(0.3);
    });
    const { output: out, rejectedDataPoints } = processor.processCounting(rm);
    expect(allPoints(out).map((m) => m.descriptor.name)).toEqual(['system.cpu.utilization']);
    expect(drops.snapshot().metric_not_in_policy).toBe(2);
    expect(rejectedDataPoints).toBe(2);
  });

  it('merges points whose attributes became equal, keeping sums exact', async () => {
    const { processor } = createPrivacy({ level: 'standard', secret });
    const rm = await rawExport((p) => {
      const c = p.getMeter('app').createCounter('system.network.io');
      c.add(10, { 'network.io.direction': 'receive', 'system.device': 'eth0' });
      c.add(32, { 'network.io.direction': 'receive', 'system.device': 'wlan0' });
    });
    const m = allPoints(processor.process(rm))[0] as SumMetricData;
    expect(m.dataPoints).toHaveLength(1);
    expect(m.dataPoints[0]?.value).toBe(42);
    expect(m.dataPoints[0]?.attributes).toEqual({ 'network.io.direction': 'receive' });
  });

  it('replaces name, unit and description with the policy text', async () => {
    const { processor } = createPrivacy({ level: 'minimal', secret });
    const rm = await rawExport((p) =>
      p
        .getMeter('app')
        .createGauge('system.cpu.utilization', { description: 'owned by alice@example.com', unit: 'bob' })
        .record(0.1),
    );
    const m = allPoints(processor.process(rm))[0];
    expect(m?.descriptor.unit).toBe('1');
    expect(m?.descriptor.description).not.toContain('alice');
  });

  it('drops a metric whose type differs from the policy', async () => {
    const { processor, drops } = createPrivacy({ level: 'minimal', secret });
    const rm = await rawExport((p) => p.getMeter('app').createCounter('system.cpu.utilization').add(5));
    expect(allPoints(processor.process(rm))).toHaveLength(0);
    expect(drops.snapshot().metric_type_mismatch).toBe(1);
  });

  it('is idempotent: processing twice equals processing once', async () => {
    const { processor } = createPrivacy({ level: 'standard', secret });
    const rm = await rawExport((p) => {
      p.getMeter('app').createGauge('system.filesystem.usage').record(5, {
        'system.filesystem.mountpoint': '/srv',
        'system.filesystem.state': 'used',
      });
    });
    const once = processor.process(rm);
    const twice = processor.process(once);
    expect(twice.resource.attributes).toEqual(once.resource.attributes);
    expect(JSON.stringify(twice.scopeMetrics)).toBe(JSON.stringify(once.scopeMetrics));
  });

  it.each(PRIVACY_LEVELS)('lets no planted personal data through at %s', async (level) => {
    const { processor } = createPrivacy({ level, secret });
    const resource: Record<string, string> = { 'service.name': 'svc' };
    const rm = await rawExport((p) => {
      PERSONAL_DATA_CANARIES.forEach(({ value }, i) => {
        resource[`canary.${i}`] = value;
        resource['service.version'] = value;
        const meter = p.getMeter(value, value);
        meter.createCounter(value, { description: value, unit: value }).add(1, { [value]: value });
        meter.createCounter('prism.errors.critical').add(1, { 'error.type': value, 'error.code': value, [value]: 1 });
        meter.createGauge('system.filesystem.utilization').record(0.5, { 'system.filesystem.mountpoint': value });
        meter.createGauge('prism.app.level', { description: value }).record(50, { 'user.name': value });
      });
    }, resource);
    const text = JSON.stringify(processor.process(rm));
    for (const { needle } of PERSONAL_DATA_CANARIES) {
      for (const form of needleForms(needle)) expect(text).not.toContain(form);
    }
    expect(text).toContain('prism.errors.critical');
  });

  it('stamps the level it filtered at on the resource', async () => {
    const { processor } = createPrivacy({ level: 'minimal', secret });
    const rm = await rawExport((p) => p.getMeter('a').createGauge('system.uptime').record(1), {
      'prism.privacy_level': 'detailed',
      'host.name': 'carolcanary-laptop',
    });
    const out = processor.process(rm);
    expect(out.resource.attributes).toEqual({ 'prism.privacy_level': 'minimal' });
  });
});
