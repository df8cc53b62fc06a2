import { randomBytes } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  DEFAULT_POLICY,
  DropCounter,
  PolicyAtLevel,
  PrivacyProcessor,
  createHmacPseudonymizer,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { exportOf } from '../alerts/metrics.test.helper.js';
import { ManualClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import { destinationOf, recordOutboundAttempt } from '../outbound/outbound-log.js';
import { ConsentGateExporter, type ConsentGateOptions, type SharingGate } from './consent-gate-exporter.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A collector on 127.0.0.1 that counts the requests it gets. */
async function collector(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`, requests };
}

const context = { pseudonymizer: createHmacPseudonymizer({ secret: randomBytes(32) }), drops: new DropCounter() };
const processorFor = (level: PrivacyLevel) => new PrivacyProcessor(new PolicyAtLevel(DEFAULT_POLICY, level, context));

function gateFor(endpoint: string): SharingGate {
  return { mode: () => 'on', sharingAllowed: () => true, consent: () => ({ millis: 0, level: 'minimal', endpoint }) };
}

function exportOnce(gate: ConsentGateExporter): Promise<ExportResult> {
  const metrics = exportOf([{ name: 'system.uptime', points: [{ value: 42, startMillis: 1_000 }] }]);
  return new Promise((resolve) => gate.export(metrics, resolve));
}

function consentGate(
  url: string,
  gate: SharingGate,
  recordAttempt: ConsentGateOptions['recordAttempt'],
  logger = createMemoryLogger(),
): ConsentGateExporter {
  const inner = new OTLPMetricExporter({ url });
  cleanup.push(() => inner.shutdown());
  return new ConsentGateExporter({
    inner,
    gate,
    destination: destinationOf(url),
    recordAttempt,
    processorFor,
    clock: new ManualClock(),
    logger,
  });
}

describe('ConsentGateExporter', () => {
  it('sends to the endpoint the receipt names', async () => {
    const { url, requests } = await collector();
    const gate = consentGate(url, gateFor(destinationOf(url)), async () => {});
    expect((await exportOnce(gate)).code).toBe(ExportResultCode.SUCCESS);
    expect(requests).toEqual(['/v1/metrics']);
  });

  it('sends nothing to an endpoint the receipt does not name', async () => {
    const { url, requests } = await collector();
    const gate = consentGate(url, gateFor('https://consented.example/v1/metrics'), async () => {});
    expect((await exportOnce(gate)).code).toBe(ExportResultCode.SUCCESS);
    expect(requests).toEqual([]);
    expect(gate.blocked).toBe(1);
  });

  it('completes the export and logs the code when the outbound log cannot be written', async () => {
    const { url, requests } = await collector();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prism-gate-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const notADirectory = path.join(dir, 'file');
    await writeFile(notADirectory, '');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanup.push(async () => void process.off('unhandledRejection', onUnhandled));
    const logger = createMemoryLogger();
    const gate = consentGate(
      url,
      gateFor(destinationOf(url)),
      (attempt) => recordOutboundAttempt(notADirectory, attempt),
      logger,
    );

    expect((await exportOnce(gate)).code).toBe(ExportResultCode.SUCCESS);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(requests).toHaveLength(1);
    expect(unhandled).toEqual([]);
    expect(logger.lines.join('')).toMatch(/outbound log: could not record an attempt error=(ENOTDIR|EEXIST)/);
    expect(logger.lines.join('')).not.toContain(dir);
  });
});
