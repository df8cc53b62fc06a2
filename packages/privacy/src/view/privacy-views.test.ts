import { MeterProvider, type SumMetricData, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createPrivacy } from '../create-privacy.js';
import type { PrivacyLevel } from '../policy/types.js';
import { CollectingReader } from '../testing/collecting-reader.js';

const secret = Buffer.alloc(32, 7);

function setup(level: PrivacyLevel) {
  const privacy = createPrivacy({ level, secret });
  const reader = new CollectingReader();
  const provider = new MeterProvider({ views: privacy.views, readers: [reader] });
  return { privacy, reader, meter: provider.getMeter('test') };
}

function metric(rm: Awaited<ReturnType<CollectingReader['collectOnce']>>, name: string) {
  return rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
}

describe('privacy Views', () => {
  it('drops a metric the level excludes', async () => {
    const { reader, meter } = setup('minimal');
    meter.createCounter('system.network.io').add(100, { 'network.io.direction': 'receive' });
    meter.createGauge('system.cpu.utilization').record(0.5);
    const rm = await reader.collectOnce();
    expect(metric(rm, 'system.network.io')).toBeUndefined();
    expect(metric(rm, 'system.cpu.utilization')).toBeDefined();
  });

  it('sums exactly across a dropped attribute (sync counter)', async () => {
    const { reader, meter, privacy } = setup('standard');
    const io = meter.createCounter('system.network.io');
    io.add(100, { 'network.io.direction': 'receive', 'system.device': 'eth0' });
    io.add(50, { 'network.io.direction': 'receive', 'system.device': 'enx3c22fb9a110e' });
    io.add(7, { 'network.io.direction': 'transmit', 'system.device': 'eth0' });
    const m = metric(await reader.collectOnce(), 'system.network.io') as SumMetricData;
    const byDirection = Object.fromEntries(m.dataPoints.map((p) => [p.attributes['network.io.direction'], p.value]));
    expect(byDirection).toEqual({ receive: 150, transmit: 7 });
    expect(m.dataPoints.every((p) => !('system.device' in p.attributes))).toBe(true);
    expect(privacy.drops.snapshot().attribute_above_level).toBe(3);
  });

  it('hashes an attribute before aggregation, keeping series apart', async () => {
    const { reader, meter } = setup('standard');
    const g = meter.createGauge('system.filesystem.utilization');
    g.record(0.25, { 'system.filesystem.mountpoint': '/' });
    g.record(0.75, { 'system.filesystem.mountpoint': '/home/carolcanary' });
    const m = metric(await reader.collectOnce(), 'system.filesystem.utilization') as GaugeMetricData;
    expect(m.dataPoints).toHaveLength(2);
    const mounts = m.dataPoints.map((p) => String(p.attributes['system.filesystem.mountpoint']));
    expect(mounts.every((v) => /^anon:[0-9a-f]{32}$/.test(v))).toBe(true);
    expect(JSON.stringify(m)).not.toContain('carolcanary');
  });

  it('drops unknown attributes and values outside the allow-list, and counts them', async () => {
    const { reader, meter, privacy } = setup('detailed');
    meter.createCounter('system.cpu.time').add(1, { 'cpu.mode': 'user', 'user.email': 'a@b.example' });
    meter.createCounter('system.cpu.time').add(1, { 'cpu.mode': 'alice@example.com' });
    const m = metric(await reader.collectOnce(), 'system.cpu.time') as SumMetricData;
    expect(m.dataPoints.map((p) => p.attributes)).toEqual([{ 'cpu.mode': 'user' }, {}]);
    expect(privacy.drops.snapshot()).toMatchObject({ attribute_not_in_policy: 1, attribute_value_not_allowed: 1 });
  });

  it('drops personal-looking values in free-form kept attributes', async () => {
    const { reader, meter, privacy } = setup('standard');
    const errors = meter.createCounter('prism.errors.critical');
    errors.add(1, { 'error.type': 'TimeoutError', 'error.code': 'ETIMEDOUT' });
    errors.add(1, { 'error.type': 'failed for /home/carolcanary', 'error.code': 'ETIMEDOUT' });
    const m = metric(await reader.collectOnce(), 'prism.errors.critical') as SumMetricData;
    expect(JSON.stringify(m.dataPoints)).not.toContain('carolcanary');
    expect(privacy.drops.snapshot().attribute_value_personal).toBe(1);
  });
});
