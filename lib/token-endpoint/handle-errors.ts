// lib/token-endpoint/handle-errors.ts
// Turns anything thrown by an endpoint into an RFC 6749 §5.2 JSON response, and tells the app through events.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { isOAuthError, OAuthError, serverError } from '../errors/oauth-error';
import { sendOAuthError } from './respond';

/** The OAuthError to send for `err`; unknown errors become a fixed server_error and an `error` event. */
export function toOAuthError(ctx: Context, req: Request, err: unknown): OAuthError {
  const error = isOAuthError(err) ? err : serverError(err, 'unexpected exception');
  // The event carries the OAuthError: `detail` says what failed, `cause` holds what was thrown.
  if (error.status >= 500) {
    ctx.emit('error', error);
  } else if (error.error === 'invalid_client') {
    ctx.emit('client.failed', { ip: req.ip, error: error.error, detail: error.detail });
  }
  return error;
}

export function respondWithError(ctx: Context, req: Request, res: Response, err: unknown): void {
  const error = toOAuthError(ctx, req, err);
  // As requireToken does at a resource: the app learns why a DPoP proof was refused, never the proof itself.
  if (error.error === 'invalid_dpop_proof') ctx.emit('token.rejected', { ip: req.ip, error: error.error, detail: error.detail });
  sendOAuthError(res, error);
}
