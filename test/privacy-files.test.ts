import path from 'node:path';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import {
  PERSONAL_DATA_CANARIES,
  PRIVACY_LEVELS,
  createPrivacy,
  loadOrCreateInstallSecret,
  needleForms,
} from '@prism-telemetry/privacy';
import { FileExporter, createMemoryLogger, systemClock } from '@prism-telemetry/agent';
import { readAllFiles, readMetricFiles, startAgent, tempDir, waitFor, writeConfig } from './support/cli.js';

describe('no personal data in any file', () => {
  it.each(PRIVACY_LEVELS)(
    'canaries in metric names, attributes, resource and scope never reach the data directory at %s',
    async (level) => {
      const dataDir = path.join(await tempDir(), 'data');
      const { secret } = await loadOrCreateInstallSecret({ dir: dataDir });
      const privacy = createPrivacy({ level, secret });
      const logger = createMemoryLogger();
      const file = new FileExporter({
        dataDir,
        categoryOf: (name) => privacy.policy.categoryOf(name),
        clock: systemClock,
        logger,
      });
      const resource: Record<string, string> = {};
      PERSONAL_DATA_CANARIES.forEach(({ value }, i) => (resource[`canary.${i}`] = value));
      resource['service.name'] = PERSONAL_DATA_CANARIES[0]!.value;
      const reader = new PeriodicExportingMetricReader({ exporter: privacy.wrap(file), exportIntervalMillis: 60_000 });
      const provider = new MeterProvider({
        resource: resourceFromAttributes(resource),
        views: privacy.views,
        readers: [reader],
      });
      for (const { value } of PERSONAL_DATA_CANARIES) {
        const meter = provider.getMeter(value, value);
        meter.createCounter(value).add(1, { [value]: value });
        meter.createCounter('prism.errors.critical').add(1, { 'error.type': value, 'error.code': value });
        meter.createGauge('system.filesystem.utilization').record(0.5, { 'system.filesystem.mountpoint': value });
        meter.createCounter('system.network.io').add(10, { 'network.io.direction': 'receive', 'system.device': value });
      }
      await provider.shutdown();

      const files = await readAllFiles(dataDir);
      expect([...files.keys()].some((f) => f.startsWith('metrics/'))).toBe(true);
      for (const [name, content] of files) {
        if (name === 'install-secret') continue; // 32 random bytes
        const text = content.toString('utf8');
        for (const { needle } of PERSONAL_DATA_CANARIES) {
          for (const form of needleForms(needle)) expect(text, `${form} in ${name}`).not.toContain(form);
        }
      }
      expect(logger.lines.join('')).not.toMatch(/canary/);
      expect(privacy.drops.total()).toBeGreaterThan(0);
    },
  );
});

describe('pseudonyms', () => {
  async function mountpointHashes(dir: string, dataDir: string): Promise<Set<string>> {
    const agent = await startAgent(['--config', await writeConfig(dir, { level: 'standard' }), '--data-dir', dataDir]);
    await waitFor(async () => (await readMetricFiles(dataDir)).size > 0, 15_000, 'a first record');
    agent.child.kill('SIGTERM');
    await agent.exited;
    const text = [...(await readMetricFiles(dataDir)).values()].flat().join('\n');
    return new Set(text.match(/anon:[0-9a-f]{32}/g) ?? []);
  }

  it('are stable within one install and differ across installs', async () => {
    const dir = await tempDir();
    const first = await mountpointHashes(dir, path.join(dir, 'a'));
    const again = await mountpointHashes(dir, path.join(dir, 'a'));
    const other = await mountpointHashes(dir, path.join(dir, 'b'));
    expect(first.size).toBeGreaterThan(0);
    expect(again).toEqual(first);
    for (const hash of other) expect(first.has(hash)).toBe(false);
  });
});
