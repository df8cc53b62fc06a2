import type { IncomingMessage } from 'node:http';
import { readBody } from '../../receivers/otlp/read-body.js';

/** Every state change fits in far less; more is refused before it is buffered. */
export const MAX_BODY_BYTES = 16 * 1024;

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** `application/json` (any charset parameter), nothing else: a cross-site form can only send the others. */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Reads and parses a JSON body of at most `maxBytes`; never rejects. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<JsonBodyResult> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return { ok: false, status: 415, message: 'the body must be application/json' };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return { ok: false, status: 413, message: `the body is larger than ${maxBytes} bytes` };
  }
  const body = await readBody(req, { maxBytes, gzip: false });
  if (!body.ok) return body;
  try {
    return { ok: true, value: JSON.parse(body.body.toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid JSON' };
  }
}
