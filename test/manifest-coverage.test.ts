import { randomBytes } from 'node:crypto';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  CollectingReader,
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  buildManifest,
  buildResource,
  createPrivacy,
  levelIncludes,
  type Manifest,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { AGENT_SCOPE, HostMetricsReceiver, ManualClock, createMemoryLogger } from '@prism-telemetry/agent';

const INTERVAL_MILLIS = 10_000;
const PSEUDONYM = /^anon:[0-9a-f]{32}$/;

/**
 * What the agent emits at `level`: the real host receiver on this machine's /proc (two scrapes, so counters
 * and utilization have a baseline), the agent's own instruments, the privacy Views and the privacy processor.
 */
async function emitted(level: PrivacyLevel): Promise<ResourceMetrics> {
  const privacy = createPrivacy({ level, secret: randomBytes(32) });
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: buildResource({ serviceName: 'prism-telemetry-agent', serviceVersion: '0.0.0', privacyLevel: level }),
    views: privacy.views,
    readers: [reader],
  });
  const clock = new ManualClock(Date.now());
  const receiver = new HostMetricsReceiver({
    meter: provider.getMeter('prism-telemetry/receiver/hostmetrics'),
    metrics: DEFAULT_POLICY.metrics,
    intervalMillis: INTERVAL_MILLIS,
    clock,
    logger: createMemoryLogger(),
    agentStartMillis: clock.now() - 1_000,
  });
  try {
    await receiver.start();
    // Real CPU counters move in 10 ms jiffies: let some pass so the second scrape sees CPU time.
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(INTERVAL_MILLIS);
    await receiver.idle();
    const agent = provider.getMeter(AGENT_SCOPE);
    agent.createCounter('prism.privacy.dropped').add(1, { reason: 'metric_not_in_policy' });
    agent.createGauge('prism.app.level').record(42);
    agent.createCounter('prism.errors.critical').add(1, { 'error.type': 'TypeError', 'error.code': 'ECONNREFUSED' });
    return privacy.processor.process(await reader.collectOnce());
  } finally {
    await receiver.shutdown();
    await provider.shutdown();
  }
}

function expectCovered(manifest: Manifest, output: ResourceMetrics): Set<string> {
  const names = new Set<string>();
  for (const scope of output.scopeMetrics) {
    for (const metric of scope.metrics) {
      const { name, unit, description } = metric.descriptor;
      names.add(name);
      const entry = manifest.metrics.find((m) => m.name === name);
      expect(entry, `${name} is emitted at ${manifest.level} but not in its manifest`).toBeDefined();
      expect({ unit, description }).toEqual({ unit: entry!.unit, description: entry!.description });
      for (const point of metric.dataPoints) {
        for (const [key, value] of Object.entries(point.attributes)) {
          const attribute = entry!.attributes.find((a) => a.key === key);
          const where = `${name}{${key}} at ${manifest.level}`;
          expect(attribute, `${where} is emitted but not in the manifest`).toBeDefined();
          expect(attribute!.treatment, `${where} is emitted but the manifest says dropped`).not.toBe('drop');
          if (attribute!.treatment === 'hash') expect(value, where).toMatch(PSEUDONYM);
          if (attribute!.values) expect(attribute!.values, where).toContain(value);
        }
      }
    }
  }
  for (const key of Object.keys(output.resource.attributes)) {
    const attribute = manifest.resource.find((a) => a.key === key);
    expect(attribute?.treatment, `resource ${key} at ${manifest.level}`).toBeDefined();
    expect(attribute!.treatment).not.toBe('drop');
  }
  return names;
}

describe('what the agent emits is what the manifest says', () => {
  it.each(PRIVACY_LEVELS)("everything emitted at %s is in that level's manifest, with its treatment", async (level) => {
    const manifest = buildManifest(DEFAULT_POLICY, level);
    const names = expectCovered(manifest, await emitted(level));
    // Present on any Linux with /proc: a run that emits nothing must not pass by saying nothing.
    const expected = ['system.cpu.logical.count', 'system.memory.limit', 'system.uptime', 'prism.agent.uptime'];
    expected.push('prism.privacy.dropped', 'prism.app.level', 'prism.errors.critical');
    if (levelIncludes(level, 'standard')) expected.push('system.cpu.time', 'system.memory.usage');
    for (const name of expected) expect(names, `${name} at ${level}`).toContain(name);
  });
});

describe('the manifest is the policy', () => {
  it.each(PRIVACY_LEVELS)("every metric and attribute in the %s manifest is the policy's own", (level) => {
    const manifest = buildManifest(DEFAULT_POLICY, level);
    for (const metric of manifest.metrics) {
      const rule = DEFAULT_POLICY.metrics.find((m) => m.name === metric.name);
      expect(rule, metric.name).toBeDefined();
      expect(levelIncludes(level, rule!.minLevel), metric.name).toBe(true);
      const { name, unit, description, category, instrument } = rule!;
      expect(metric).toMatchObject({ name, unit, description, category, instrument });
      expect(metric.attributes.map((a) => a.key)).toEqual(rule!.attributes.map((a) => a.key));
      for (const attribute of metric.attributes) {
        const attributeRule = rule!.attributes.find((a) => a.key === attribute.key)!;
        expect(attribute.description).toBe(attributeRule.description);
        expect(attribute.treatment).toBe(attributeRule.treatment[level]);
      }
    }
    for (const attribute of manifest.resource) {
      const rule = DEFAULT_POLICY.resource.find((a) => a.key === attribute.key);
      expect(rule, attribute.key).toBeDefined();
      expect(attribute.description).toBe(rule!.description);
      expect(attribute.treatment).toBe(rule!.treatment[level]);
    }
    // And nothing the policy allows at this level is missing from what users are shown.
    const allowed = DEFAULT_POLICY.metrics.filter((m) => levelIncludes(level, m.minLevel)).map((m) => m.name);
    expect(manifest.metrics.map((m) => m.name)).toEqual(allowed);
    expect(manifest.neverCollected).toEqual(DEFAULT_POLICY.neverCollected);
  });
});
