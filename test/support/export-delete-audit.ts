import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildManifest, DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { writeState } from '../../packages/agent/src/state/telemetry-state.js';
import { REPO_ROOT } from './cli.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validators for schemas/export.schema.json: the json document, the jsonl header line, a record line. */
export async function exportSchemaValidators() {
  const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas/export.schema.json'), 'utf8')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormatsModule.default(ajv);
  ajv.addSchema(schema);
  const get = (ref: string) => ajv.getSchema(`${schema.$id as string}${ref}`)!;
  return { document: get(''), header: get('#/$defs/header'), record: get('#/$defs/metricRecord') };
}

export interface RecordingEndpoint {
  /** A sharing endpoint URL on this server. */
  url: string;
  /** `METHOD /path` of every request, in order. */
  seen: string[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that answers every request with `status` and records it. */
export async function recordingEndpoint(status: number): Promise<RecordingEndpoint> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'deleted' : 'try later');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/collect`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Mode on, with a consent receipt for the current standard manifest and `endpoint`. */
export async function consentTo(dataDir: string, endpoint: string): Promise<void> {
  const manifest = buildManifest(DEFAULT_POLICY, 'standard');
  await writeState(dataDir, {
    schemaVersion: 1,
    mode: 'on',
    modeSince: new Date().toISOString(),
    dataGeneration: 0,
    consent: {
      id: '7f6b3c1e-0000-4000-8000-000000000001',
      timestamp: new Date().toISOString(),
      consentVersion: '1',
      level: 'standard',
      categories: ['health'],
      endpoint,
      policyUrl: 'https://corrective-drift.com/privacy',
      policyVersion: manifest.policyVersion,
      manifestHash: manifest.hash,
    },
  });
}

export async function lastOutboundAttempt(dataDir: string): Promise<Json> {
  const lines = (await readFile(path.join(dataDir, 'outbound.jsonl'), 'utf8')).trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Json;
}
