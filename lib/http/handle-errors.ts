// lib/http/handle-errors.ts
// Turns anything thrown by an endpoint into an RFC 6749 §5.2 JSON response, and tells the app through events.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { isOAuthError, OAuthError, serverError } from '../errors/oauth-error';
import { withMigrateHint } from './migrate-hint';
import { sendOAuthError } from './respond';
import { wwwAuthenticate } from './www-authenticate';

/**
 * The OAuthError to send for `err`; unknown errors become a fixed server_error and an `error` event. A 401 always
 * leaves with a challenge. `ip` is the client's (undefined outside a request, as in auth.verifyAccessToken).
 */
export function toOAuthError(ctx: Context, ip: string | undefined, err: unknown): OAuthError {
  let error = withChallenge(ctx, isOAuthError(err) ? err : serverError(err, 'unexpected exception'));
  // The event carries the OAuthError: `detail` says what failed, `cause` holds what was thrown.
  if (error.status >= 500) {
    error = withMigrateHint(ctx, error);
    ctx.emit('error', error);
  } else if (error.error === 'invalid_client') {
    ctx.emit('client.failed', { ip, error: error.error, detail: error.detail });
  }
  return error;
}

/**
 * RFC 9110 §11.6.1: a server generating a 401 "MUST send a WWW-Authenticate header field". Ours set it where they are
 * raised; this covers any other (an assertion failure, an app's own OAuthError): Basic for invalid_client (the client
 * authentication scheme of RFC 6749 §2.3.1), else Bearer (RFC 6750 §3).
 */
function withChallenge(ctx: Context, error: OAuthError): OAuthError {
  if (error.status !== 401 || error.headers['WWW-Authenticate'] !== undefined) return error;
  const { realm } = ctx.config;
  const challenge =
    error.error === 'invalid_client'
      ? wwwAuthenticate('Basic', { realm })
      : wwwAuthenticate('Bearer', { realm, error: error.error, error_description: error.description });
  return new OAuthError(error.error, error.description, {
    detail: error.detail,
    cause: error.cause,
    status: error.status,
    body: error.body,
    headers: { ...error.headers, 'WWW-Authenticate': challenge },
  });
}

export function respondWithError(ctx: Context, req: Request, res: Response, err: unknown): void {
  const error = toOAuthError(ctx, req.ip, err);
  // As requireToken does at a resource: the app learns why a DPoP proof was refused, never the proof itself.
  if (error.error === 'invalid_dpop_proof') ctx.emit('token.rejected', { ip: req.ip, error: error.error, detail: error.detail });
  sendOAuthError(res, error);
}
