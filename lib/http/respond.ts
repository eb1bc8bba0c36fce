// lib/http/respond.ts
// Writes JSON with plain Node calls, so the same code answers under Express 4 and 5.

import type { Response } from 'express';
import type { OAuthError } from '../errors/oauth-error';

/** RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache" on every response carrying tokens or errors. */
export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

export function sendJson(res: Response, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

export function sendOAuthError(res: Response, err: OAuthError): void {
  if (res.headersSent) return;
  noStore(res);
  sendJson(res, err.status, err.toJSON(), err.headers);
}
