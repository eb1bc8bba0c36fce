// lib/dpop/challenge.ts
// `WWW-Authenticate: DPoP ...` challenges for protected resources (RFC 9449 §7.1).

import type { Context } from '../context';
import { wwwAuthenticate } from '../http/www-authenticate';
import { OAuthError } from '../errors/oauth-error';

/**
 * `err` with a DPoP challenge: realm, error, error_description, scope (for insufficient_scope) and `algs`, the
 * proof algorithms accepted (RFC 9449 §7.1: "algs: a space-delimited list of the JWS alg values").
 */
export function withDpopChallenge(ctx: Context, err: OAuthError, scope?: string): OAuthError {
  const header = wwwAuthenticate('DPoP', {
    realm: ctx.config.realm,
    error: err.error,
    error_description: err.description,
    scope,
    algs: ctx.config.dpop.algorithms.join(' '),
  });
  return new OAuthError(err.error, err.description, {
    detail: err.detail,
    status: err.status === 400 ? 401 : err.status,
    headers: { ...err.headers, 'WWW-Authenticate': header },
  });
}
