import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../errors.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500 | 503;

/** Dashboard and API answers are never cached: they show live state and carry the session. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** `{"error":{"code","message","hint"}}`: fixed text only, nothing from the request is echoed. */
export function sendError(
  res: ServerResponse,
  status: ErrorStatus,
  code: ErrorCode,
  message: string,
  hint?: string,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, { error: { code, message, ...(hint === undefined ? {} : { hint }) } });
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
