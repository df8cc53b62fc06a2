import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader } from '../testing/collecting-reader.js';
import { describe, expect, it } from 'vitest';
import { recordLevel, reportCriticalError } from './report.js';

describe('app report helpers', () => {
  it('record the level (0 to 100 only) and count critical errors by type and code', async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('my-app');
    expect(recordLevel(meter, 55)).toBe(true);
    expect(recordLevel(meter, 120)).toBe(false);
    expect(recordLevel(meter, Number.NaN)).toBe(false);
    reportCriticalError(meter, { type: 'Neo4jError', code: 'ECONNREFUSED' });
    reportCriticalError(meter, { type: 'Neo4jError', code: 'ECONNREFUSED' });
    reportCriticalError(meter, { type: 'Timeout' });
    const metrics = (await reader.collectOnce()).scopeMetrics[0]!.metrics;
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m]));
    expect(byName.get('prism.app.level')!.dataPoints.map((p) => p.value)).toEqual([55]);
    expect(byName.get('prism.app.level')!.descriptor.unit).toBe('%');
    expect(byName.get('prism.errors.critical')!.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'error.type': 'Neo4jError', 'error.code': 'ECONNREFUSED' }, 2],
      [{ 'error.type': 'Timeout' }, 1],
    ]);
    await provider.shutdown();
  });
});
