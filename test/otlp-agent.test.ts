import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkOtlpJsonRequest } from '@prism-telemetry/agent';
import { PERSONAL_DATA_CANARIES, needleForms } from '@prism-telemetry/privacy';
import { REPO_ROOT, readAllFiles, readMetricFiles, startAgent, tempDir, waitFor } from './support/cli.js';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function metricsByName(lines: string[]): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  for (const line of lines) {
    const request = JSON.parse(line) as Json;
    for (const rm of request.resourceMetrics)
      for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.name, [...(out.get(m.name) ?? []), m]);
  }
  return out;
}

const attr = (point: Json, key: string): unknown => {
  const found = (point.attributes as Json[]).find((a) => a.key === key);
  return found ? Object.values(found.value)[0] : undefined;
};

describe('the agent receiving OTLP from an app using the official exporters', () => {
  it.each(['json', 'proto'])(
    'stores %s-encoded data after the privacy policy, exact, and no planted personal data',
    async (encoding) => {
      const dir = await tempDir();
      const dataDir = path.join(dir, 'data');
      const port = await freePort();
      const config = path.join(dir, 'otlp.yaml');
      await writeFile(
        config,
        [
          'telemetry: { privacy_level: standard }',
          `receivers: { otlp: { endpoint: "127.0.0.1:${port}" } }`,
          'exporters: { file: {} }',
          'service: { pipelines: { metrics: { receivers: [otlp], exporters: [file] } } }',
          '',
        ].join('\n'),
      );
      const agent = await startAgent(['--config', config, '--data-dir', dataDir]);
      try {
        const { stdout } = await run(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(REPO_ROOT, 'test/support/otlp-app.ts'),
            `http://127.0.0.1:${port}/v1/metrics`,
            encoding,
          ],
          { cwd: REPO_ROOT },
        );
        expect(stdout).toContain('RESULT 0');
        await waitFor(async () => (await readMetricFiles(dataDir)).size >= 3, 10_000, 'health, level and errors files');
      } finally {
        agent.child.kill('SIGTERM');
      }
      expect((await agent.exited).code).toBe(0);

      const lines = [...(await readMetricFiles(dataDir)).values()].flat();
      for (const line of lines) expect(checkOtlpJsonRequest(JSON.parse(line))).toEqual([]);
      const metrics = metricsByName(lines);
      // The app's metric with a personal name is gone; the agent counted what it removed.
      expect([...metrics.keys()].sort()).toEqual([
        'http.server.request.duration',
        'prism.app.level',
        'prism.errors.critical',
        'prism.privacy.dropped',
      ]);
      const dropped = metrics.get('prism.privacy.dropped')!.flatMap((m) => m.sum.dataPoints as Json[]);
      expect(dropped.map((p) => attr(p, 'reason'))).toContain('metric_not_in_policy');

      expect(metrics.get('prism.app.level')![0]!.gauge.dataPoints[0].asDouble).toBe(64.5);
      const errors = metrics.get('prism.errors.critical')![0]!.sum.dataPoints as Json[];
      const byType = new Map(
        errors.map((p) => [attr(p, 'error.type') ?? '(dropped: personal)', Number(p.asDouble ?? p.asInt)]),
      );
      expect(byType).toEqual(
        new Map([
          ['TimeoutError', 2],
          ['(dropped: personal)', 1],
        ]),
      );

      // http.route is summed away at standard; status codes become their class; GET 200 and GET 204 merge.
      const histogram = metrics.get('http.server.request.duration')![0]!.histogram.dataPoints as Json[];
      const byKey = new Map(
        histogram.map((p) => [`${attr(p, 'http.request.method')} ${attr(p, 'http.response.status_code')}`, p]),
      );
      expect([...byKey.keys()].sort()).toEqual(['GET 200-300', 'POST 500-600']);
      expect(byKey.get('GET 200-300')).toMatchObject({
        count: 2,
        bucketCounts: [1, 1, 0, 0],
        explicitBounds: [0.1, 0.5, 1],
      });
      expect(byKey.get('GET 200-300')!.sum).toBeCloseTo(0.35, 10);
      expect(byKey.get('POST 500-600')).toMatchObject({ count: 1, sum: 2, bucketCounts: [0, 0, 0, 1] });

      for (const [name, content] of await readAllFiles(dataDir)) {
        if (name === 'install-secret') continue;
        const text = content.toString('utf8');
        for (const { needle } of PERSONAL_DATA_CANARIES.filter((c) => c.kind === 'email' || c.kind === 'home_path')) {
          for (const form of needleForms(needle)) expect(text, `${form} in ${name}`).not.toContain(form);
        }
        for (const planted of ['alice.canary', 'carolcanary'])
          expect(text, `${planted} in ${name}`).not.toContain(planted);
      }
    },
  );
});
