import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { CollectingReader } from '@prism-telemetry/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES } from '../../alerts/defaults.js';
import { CommandNotifier } from '../../alerts/notifiers/command.js';
import { WebhookNotifier } from '../../alerts/notifiers/webhook.js';
import type { AlertEvent, AlertRule } from '../../alerts/rule.js';
import { ManualClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import { alertsExporterSchema } from '../../config/alerts-schema.js';
import { AlertsExporter, type AlertsExporterOptions } from './alerts-exporter.js';
import { createAlertsExporter } from './create-alerts-exporter.js';

const START = Date.UTC(2026, 10, 1, 12);

const cpuRule: AlertRule = {
  ...(DEFAULT_ALERT_RULES.find((r) => r.name === 'cpu_high') as Extract<AlertRule, { kind: 'metric' }>),
  forMillis: 0,
};

function exportTo(exporter: AlertsExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

async function readEvents(dataDir: string): Promise<AlertEvent[]> {
  const dir = path.join(dataDir, 'alerts');
  const out: AlertEvent[] = [];
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8');
    out.push(
      ...text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AlertEvent),
    );
  }
  return out;
}

describe('AlertsExporter', () => {
  let dataDir: string;
  let clock: ManualClock;
  let logger: ReturnType<typeof createMemoryLogger>;
  let consoleLines: string[];
  let provider: MeterProvider;
  let reader: CollectingReader;
  const exporters: AlertsExporter[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prism-alerts-exp-'));
    clock = new ManualClock(START);
    logger = createMemoryLogger();
    consoleLines = [];
    reader = new CollectingReader();
    provider = new MeterProvider({ readers: [reader] });
  });

  afterEach(async () => {
    for (const e of exporters.splice(0)) await e.shutdown();
    await provider.shutdown();
    await rm(dataDir, { recursive: true, force: true });
  });

  function make(overrides: Partial<AlertsExporterOptions> = {}): AlertsExporter {
    const exporter = new AlertsExporter({
      dataDir,
      rules: [cpuRule],
      clock,
      logger,
      consoleOut: (line) => consoleLines.push(line),
      ...overrides,
    });
    exporters.push(exporter);
    return exporter;
  }

  /** Records CPU utilization through the real SDK and hands the collected export to the exporter. */
  async function cpu(exporter: AlertsExporter, value: number): Promise<ExportResult> {
    provider.getMeter('test').createGauge('system.cpu.utilization').record(value);
    clock.advance(10_000);
    return exportTo(exporter, await reader.collectOnce());
  }

  it('writes firing and resolved events to the day file, prints one line each, and reports the status', async () => {
    const exporter = make();
    expect((await cpu(exporter, 0.5)).code).toBe(0);
    expect(exporter.status()).toBe('healthy');
    await cpu(exporter, 0.95);
    expect(exporter.status()).toBe('degraded');
    await cpu(exporter, 0.8);
    expect(exporter.status()).toBe('healthy');
    const events = await readEvents(dataDir);
    expect(events.map((e) => [e.state, e.value])).toEqual([
      ['firing', 0.95],
      ['resolved', 0.8],
    ]);
    expect(events[0]).toEqual({
      at: new Date(START + 20_000).toISOString(),
      alert: 'cpu_high',
      severity: 'warning',
      state: 'firing',
      summary: 'CPU utilization is 0.95, above 0.9',
      series: {},
      value: 0.95,
    });
    expect((await stat(path.join(dataDir, 'alerts', '2026-11-01.jsonl'))).mode & 0o777).toBe(0o600);
    expect(consoleLines).toEqual([
      '2026-11-01T12:00:20.000Z alert firing cpu_high severity=warning value=0.95: CPU utilization is 0.95, above 0.9',
      '2026-11-01T12:00:30.000Z alert resolved cpu_high severity=warning value=0.8: CPU utilization is 0.95, above 0.9',
    ]);
  });

  it('a restarted exporter carries a firing alert over: no second firing event, one resolved', async () => {
    await cpu(make(), 0.95);
    const second = make();
    await cpu(second, 0.97);
    await cpu(second, 0.99);
    expect(second.firing()).toHaveLength(1);
    await cpu(second, 0.5);
    expect((await readEvents(dataDir)).map((e) => e.state)).toEqual(['firing', 'resolved']);
  });

  it('raise fires agent_crash_restart once; a disabled rule raises nothing', async () => {
    const crash = DEFAULT_ALERT_RULES.find((r) => r.name === 'agent_crash_restart')!;
    const exporter = make({ rules: [crash] });
    await exporter.raise('agent_crash_restart');
    await exporter.raise('agent_crash_restart');
    expect(exporter.status()).toBe('degraded');
    const events = await readEvents(dataDir);
    expect(events).toEqual([expect.objectContaining({ alert: 'agent_crash_restart', state: 'firing', value: null })]);
    // With the rule disabled, raising does nothing; the alert carried over from before resolves, as its rule is gone.
    await make({ rules: [] }).raise('agent_crash_restart');
    expect((await readEvents(dataDir)).map((e) => `${e.alert}:${e.state}`)).toEqual([
      'agent_crash_restart:firing',
      'agent_crash_restart:resolved',
    ]);
  });

  it('a write failure fails the export and is logged once, without the path', async () => {
    const file = path.join(dataDir, 'not-a-dir');
    await writeFile(file, '');
    const exporter = make({ dataDir: file });
    const first = await cpu(exporter, 0.95);
    expect(first.code).toBe(1);
    await cpu(exporter, 0.5);
    const errors = logger.lines.filter((l) => l.includes('cannot write alert events'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toContain(dataDir);
  });

  describe('notifiers', () => {
    let server: Server | undefined;
    afterEach(async () => {
      if (server) await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    });

    async function listen(handler: (req: IncomingMessage, body: string) => number): Promise<string> {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          res.statusCode = handler(req, body);
          res.end();
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/prism`;
    }

    it('a webhook on 127.0.0.1 receives firing and resolved events as JSON, not pending ones', async () => {
      const received: Array<{ method: string; url: string; type: string; event: AlertEvent }> = [];
      const url = await listen((req, body) => {
        received.push({
          method: req.method!,
          url: req.url!,
          type: req.headers['content-type']!,
          event: JSON.parse(body) as AlertEvent,
        });
        return 204;
      });
      const config = alertsExporterSchema.parse({
        defaults: false,
        webhook: url,
        rules: [{ name: 'cpu_high', metric: 'system.cpu.utilization', condition: '>', threshold: 0.9, for: '10s' }],
      });
      const exporter = createAlertsExporter(config, { dataDir, clock, logger });
      exporters.push(exporter);
      await cpu(exporter, 0.95); // pending
      await cpu(exporter, 0.95); // firing
      await cpu(exporter, 0.1); // resolved
      await exporter.forceFlush();
      expect(received.map((r) => r.event.state)).toEqual(['firing', 'resolved']);
      expect(received[0]).toMatchObject({ method: 'POST', url: '/hooks/prism', type: 'application/json' });
      expect(received[0]!.event).toMatchObject({ alert: 'cpu_high', value: 0.95 });
      expect((await readEvents(dataDir)).map((e) => e.state)).toEqual(['pending', 'firing', 'resolved']);
    });

    it('a webhook that answers 500 is logged as failed; the event is still on disk', async () => {
      const url = await listen(() => 500);
      const exporter = make({ notifiers: [new WebhookNotifier(url)] });
      await cpu(exporter, 0.95);
      await exporter.forceFlush();
      expect(logger.lines.join('')).toContain('notifier failed notifier=webhook alert=cpu_high reason=http_500');
      expect(await readEvents(dataDir)).toHaveLength(1);
    });

    it('a webhook off this machine cannot even be constructed', () => {
      expect(() => new WebhookNotifier('http://192.0.2.1:9000/x')).toThrow(RangeError);
    });

    it('a command gets the event JSON on stdin, without a shell', async () => {
      const out = path.join(dataDir, 'command-output.json');
      const script =
        "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').writeFileSync(process.argv[1],s))";
      const exporter = make({ notifiers: [new CommandNotifier([process.execPath, '-e', script, out])] });
      await cpu(exporter, 0.95);
      await exporter.forceFlush();
      const text = await readFile(out, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(JSON.parse(text)).toMatchObject({ alert: 'cpu_high', state: 'firing', value: 0.95 });
      // Shell syntax in an argument is just an argument.
      const marker = path.join(dataDir, 'shell-ran');
      const literal = new CommandNotifier([process.execPath, '-e', 'process.exit(0)', `; touch ${marker}`]);
      expect(await literal.notify((await readEvents(dataDir))[0]!)).toEqual({ ok: true });
      await expect(stat(marker)).rejects.toThrow();
    });

    it('a failing, missing or hanging command is reported with a reason and does not block', async () => {
      const event: AlertEvent = {
        at: new Date(START).toISOString(),
        alert: 'cpu_high',
        severity: 'warning',
        state: 'firing',
        summary: 's',
        series: {},
        value: 1,
      };
      const fail = new CommandNotifier([process.execPath, '-e', 'process.exit(3)']);
      expect(await fail.notify(event)).toEqual({ ok: false, reason: 'exit_3' });
      const missing = new CommandNotifier(['/nonexistent/prism-notify']);
      expect(await missing.notify(event)).toEqual({ ok: false, reason: 'ENOENT' });
      const hang = new CommandNotifier([process.execPath, '-e', 'setTimeout(()=>{},60000)'], { timeoutMillis: 300 });
      const started = Date.now();
      expect(await hang.notify(event)).toEqual({ ok: false, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
