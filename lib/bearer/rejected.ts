// lib/bearer/rejected.ts
// What every bearer entry point does with a failure: one OAuthError, and the same events from all of them.

import type { Context } from '../context';
import type { OAuthError } from '../errors/oauth-error';
import { toOAuthError } from '../http/handle-errors';

/**
 * The OAuthError for `err`, with its events: `token.rejected` when the token itself was refused (invalid, or its
 * DPoP proof), `error` for a 5xx (toOAuthError). requireToken, the passport strategy, auth.verifyAccessToken and
 * /userinfo all call it, so an app's audit log sees a refused token the same way whichever one refused it.
 */
export function bearerFailure(ctx: Context, ip: string | undefined, err: unknown): OAuthError {
  const error = toOAuthError(ctx, ip, err);
  if (error.error === 'invalid_token' || error.error === 'invalid_dpop_proof') {
    ctx.emit('token.rejected', { ip, error: error.error, detail: error.detail });
  }
  return error;
}
