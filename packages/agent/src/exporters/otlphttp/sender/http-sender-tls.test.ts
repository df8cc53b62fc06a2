import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../component/logger.js';
import { PrismError } from '../../../errors.js';
import { createHttpSender, type HttpSender, type HttpSenderOptions } from './http-sender.js';
import {
  canonical,
  encodeRequest,
  sampleRequest,
  startSenderServer,
  type SenderServer,
} from './sender-server.test.helper.js';

const REQUEST = encodeRequest(sampleRequest());

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Certificates made for this run with the system's openssl: nothing secret or long-lived is kept in the repo. */
interface Pki {
  dir: string;
  caFile: string;
  /** Signed by the CA, for 127.0.0.1 and localhost. */
  good: { key: Buffer; cert: Buffer };
  /** Signed by the CA, for another host name only. */
  otherHost: { key: Buffer; cert: Buffer };
  /** Signed by itself, for 127.0.0.1. */
  selfSigned: { key: Buffer; cert: Buffer };
}

function makePki(): Pki {
  const dir = mkdtempSync(path.join(tmpdir(), 'prism-sender-tls-'));
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=prism test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const leaf = (name: string, san: string): { key: Buffer; cert: Buffer } => {
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
    return { key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.pem`)) };
  };
  const good = leaf('good', 'IP:127.0.0.1,DNS:localhost');
  const otherHost = leaf('other', 'DNS:other.example');
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  );
  const selfSigned = { key: readFileSync(file('self.key')), cert: readFileSync(file('self.pem')) };
  return { dir, caFile: file('ca.pem'), good, otherHost, selfSigned };
}

const openssl = hasOpenssl();
if (!openssl && process.env['CI'] === 'true') throw new Error('openssl is needed for the TLS tests under CI');

describe.skipIf(!openssl)('createHttpSender over TLS', () => {
  let pki: Pki;
  const cleanups: Array<() => unknown> = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function server(tls: { key: Buffer; cert: Buffer }): Promise<SenderServer> {
    const s = await startSenderServer(tls);
    cleanups.push(() => s.close());
    return s;
  }

  function sender(overrides: Partial<HttpSenderOptions> & { url: string }): HttpSender {
    const s = createHttpSender({
      encoding: 'protobuf',
      compression: 'gzip',
      apiKey: 'tls-test-key',
      headers: {},
      timeoutMillis: 5000,
      clusterId: 'c-1',
      userAgent: 'prism-telemetry/test',
      ...overrides,
    });
    cleanups.push(() => s.close());
    return s;
  }

  it('sends to a server whose certificate the configured CA signed', async () => {
    const s = await server(pki.good);
    const outcome = await sender({ url: s.url, caFile: pki.caFile }).send(REQUEST);
    expect(outcome).toMatchObject({ kind: 'success', status: 200 });
    expect(canonical(s.requests[0]!.body)).toEqual(canonical(REQUEST));
    expect(s.requests[0]!.headers.authorization).toBe('Bearer tls-test-key');
  });

  it('fails for good, sending nothing, when the CA is not configured', async () => {
    const s = await server(pki.good);
    const logger = createMemoryLogger();
    const one = sender({ url: s.url, logger });
    const outcomes = [await one.send(REQUEST), await one.send(REQUEST)];
    for (const outcome of outcomes) {
      expect(outcome).toEqual({
        kind: 'failed',
        status: undefined,
        reason: 'tls_untrusted',
        bytes: expect.any(Number),
      });
    }
    expect(s.requests).toHaveLength(0);
    // Said once, with the setting to look at.
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('reason=tls_untrusted');
    expect(logger.lines[0]).toContain('tls.ca_file');
  });

  it('fails a certificate for another host name', async () => {
    const s = await server(pki.otherHost);
    expect(await sender({ url: s.url, caFile: pki.caFile }).send(REQUEST)).toMatchObject({
      kind: 'failed',
      reason: 'tls_hostname_mismatch',
    });
    expect(s.requests).toHaveLength(0);
  });

  it('fails a self-signed server certificate', async () => {
    const s = await server(pki.selfSigned);
    expect(await sender({ url: s.url }).send(REQUEST)).toMatchObject({ kind: 'failed', reason: 'tls_self_signed' });
    expect(s.requests).toHaveLength(0);
  });

  it('fails https to a port that speaks plain http', async () => {
    const plain = await startSenderServer();
    cleanups.push(() => plain.close());
    const outcome = await sender({ url: plain.url.replace('http:', 'https:') }).send(REQUEST);
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toBe('tls_not_tls');
  });

  it('refuses an unreadable or non-PEM CA file at start, naming the setting, not the path or contents', () => {
    const notPem = path.join(pki.dir, 'not-pem.txt');
    writeFileSync(notPem, 'FILECONTENTSECRET\n');
    const brokenPem = path.join(pki.dir, 'broken.pem');
    writeFileSync(brokenPem, '-----BEGIN CERTIFICATE-----\nFILECONTENTSECRET\n-----END CERTIFICATE-----\n');
    const cases: Array<[string, RegExp]> = [
      [
        path.join(pki.dir, 'missing.pem'),
        /^exporters\.otlphttp\.tls\.ca_file: the CA file could not be read \(ENOENT\)/,
      ],
      [pki.dir, /could not be read \(EISDIR\)/],
      [notPem, /holds no PEM certificate/],
      [brokenPem, /OpenSSL cannot read/],
    ];
    for (const [caFile, message] of cases) {
      let error: unknown;
      try {
        sender({ url: 'https://127.0.0.1:1/v1/collect', caFile, caFileConfigKey: 'exporters.otlphttp.tls.ca_file' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PrismError);
      const { message: text, hint, code } = error as PrismError;
      expect(code).toBe('PT_ERR_CONFIG_INVALID');
      expect(text).toMatch(message);
      expect(`${text} ${hint}`).not.toContain(pki.dir);
      expect(`${text} ${hint}`).not.toContain('FILECONTENTSECRET');
    }
  });
});
