/**
 * The few pieces of Neo4j's Bolt protocol a connectivity probe needs: the version handshake, HELLO/LOGON with
 * basic auth, GOODBYE, and reading whether a reply is SUCCESS or FAILURE. Written against the Bolt and
 * PackStream specifications (https://neo4j.com/docs/bolt/current/), offering the same version ranges as
 * neo4j-driver 6.
 */

import { ProbeFailure } from './probe-errors.js';

export interface BoltVersion {
  major: number;
  minor: number;
}

const MAGIC = [0x60, 0x60, 0xb0, 0x17];

/** 5.8 down to 5.0, 4.4 down to 4.1, 3.0; each entry is [0, range, minor, major]. */
export const HANDSHAKE = Buffer.from([
  ...MAGIC,
  ...[0x00, 0x08, 0x08, 0x05],
  ...[0x00, 0x03, 0x04, 0x04],
  ...[0x00, 0x00, 0x00, 0x03],
  ...[0x00, 0x00, 0x00, 0x00],
]);

export type HandshakeAnswer = { ok: true; version: BoltVersion } | { ok: false; reason: 'http' | 'no common version' };

/** The server's 4-byte answer: the chosen version, zero when none fits, or the start of an HTTP response. */
export function parseHandshakeAnswer(answer: Buffer): HandshakeAnswer {
  if (answer.toString('latin1') === 'HTTP') return { ok: false, reason: 'http' };
  const major = answer[3] ?? 0;
  const minor = answer[2] ?? 0;
  if (major === 0) return { ok: false, reason: 'no common version' };
  return { ok: true, version: { major, minor } };
}

export type PackValue = string | { readonly [key: string]: PackValue };

function sized(small: number, lengths: readonly [number, number, number], n: number): Buffer {
  if (n < 16) return Buffer.from([small | n]);
  if (n < 0x100) return Buffer.from([lengths[0], n]);
  if (n < 0x10000) return Buffer.from([lengths[1], n >> 8, n & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = lengths[2];
  out.writeUInt32BE(n, 1);
  return out;
}

/** PackStream for strings and maps of them, all a HELLO or LOGON carries. */
export function pack(value: PackValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([sized(0x80, [0xd0, 0xd1, 0xd2], bytes.length), bytes]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    sized(0xa0, [0xd8, 0xd9, 0xda], entries.length),
    ...entries.flatMap(([key, item]) => [pack(key), pack(item)]),
  ]);
}

export const MESSAGE = { HELLO: 0x01, GOODBYE: 0x02, LOGON: 0x6a, SUCCESS: 0x70, IGNORED: 0x7e, FAILURE: 0x7f };

/** A Bolt message as a PackStream structure, split into chunks and ended by a zero-size chunk. */
export function encodeMessage(signature: number, fields: readonly PackValue[]): Buffer {
  const body = Buffer.concat([Buffer.from([0xb0 | fields.length, signature]), ...fields.map(pack)]);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 0xffff) {
    const chunk = body.subarray(offset, offset + 0xffff);
    const header = Buffer.alloc(2);
    header.writeUInt16BE(chunk.length);
    parts.push(header, chunk);
  }
  parts.push(Buffer.from([0x00, 0x00]));
  return Buffer.concat(parts);
}

/**
 * The messages that log in. From 5.1 the credentials go in a separate LOGON; from 5.3 HELLO must say which
 * library is talking (`bolt_agent`).
 */
export function loginMessages(
  version: BoltVersion,
  credentials: { username: string; password: string },
  userAgent: string,
): Buffer[] {
  const auth = { scheme: 'basic', principal: credentials.username, credentials: credentials.password };
  const atLeast = (major: number, minor: number) =>
    version.major > major || (version.major === major && version.minor >= minor);
  if (!atLeast(5, 1)) return [encodeMessage(MESSAGE.HELLO, [{ user_agent: userAgent, ...auth }])];
  const hello: PackValue = atLeast(5, 3)
    ? { user_agent: userAgent, bolt_agent: { product: userAgent } }
    : { user_agent: userAgent };
  return [encodeMessage(MESSAGE.HELLO, [hello]), encodeMessage(MESSAGE.LOGON, [auth])];
}

/** The signature and raw bytes of the next message; empty chunks (keep-alive NOOPs) between messages are skipped. */
export async function readMessage(
  read: (length: number) => Promise<Buffer>,
): Promise<{ signature: number; body: Buffer }> {
  const chunks: Buffer[] = [];
  for (;;) {
    const size = (await read(2)).readUInt16BE(0);
    if (size === 0) {
      if (chunks.length === 0) continue;
      break;
    }
    chunks.push(await read(size));
  }
  const body = Buffer.concat(chunks);
  if (body.length < 2 || ((body[0] ?? 0) & 0xf0) !== 0xb0) throw new ProbeFailure('unexpected answer');
  return { signature: body[1] ?? 0, body };
}

/**
 * Whether a FAILURE is about credentials: its code is `Neo.ClientError.Security.*` (Unauthorized, rate limit,
 * expired credentials). Searched in the raw bytes, because where the code sits changed across versions (`code`,
 * then `neo4j_code` inside GQL metadata) and nothing else in the reply is needed.
 */
export function isSecurityFailure(body: Buffer): boolean {
  return body.includes('Neo.ClientError.Security.', 0, 'utf8');
}
