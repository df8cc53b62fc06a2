import { valueAtJsonPath, type JsonPathSegment } from './json-path.js';

/** Why a poll gave no sample; logged as is (never with the value or the body). */
export type LevelRejectReason =
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'body_too_large'
  | 'invalid_json'
  | 'path_not_found'
  | 'not_a_number'
  | 'out_of_range';

export type LevelReading = { ok: true; value: number } | { ok: false; reason: LevelRejectReason };

export interface ReadLevelOptions {
  url: string;
  /** Empty: the whole body is the number. */
  path: readonly JsonPathSegment[];
  timeoutMillis: number;
  fetchImpl?: typeof fetch;
  /** A level is a few bytes; anything much bigger is not the endpoint we were told about. Default 64 KiB. */
  maxBodyBytes?: number;
}

export const LEVEL_MIN = 0;
export const LEVEL_MAX = 100;

/** One GET of the level endpoint. Never throws: every failure is a reason. */
export async function readLevel(options: ReadLevelOptions): Promise<LevelReading> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const signal = AbortSignal.timeout(options.timeoutMillis);
  let body: string;
  try {
    const response = await (options.fetchImpl ?? fetch)(options.url, {
      signal,
      // A redirect could point anywhere; the endpoint is what the user configured, nothing else.
      redirect: 'manual',
      headers: { accept: 'application/json, text/plain' },
    });
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, reason: 'http_status' };
    }
    const text = await readCapped(response, maxBodyBytes);
    if (text === undefined) return { ok: false, reason: 'body_too_large' };
    body = text;
  } catch {
    return { ok: false, reason: signal.aborted ? 'timeout' : 'unreachable' };
  }
  return levelFromBody(body, options.path);
}

/** The level in a response body, per `json_path`. */
export function levelFromBody(body: string, path: readonly JsonPathSegment[]): LevelReading {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { ok: false, reason: path.length === 0 ? 'not_a_number' : 'invalid_json' };
  }
  const value = valueAtJsonPath(document, path);
  if (value === undefined) return { ok: false, reason: 'path_not_found' };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: 'not_a_number' };
  if (value < LEVEL_MIN || value > LEVEL_MAX) return { ok: false, reason: 'out_of_range' };
  return { ok: true, value };
}

async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
