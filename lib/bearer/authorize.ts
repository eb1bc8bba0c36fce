// lib/bearer/authorize.ts
// Authorizes a request to a protected route: token from the header, verified, scopes checked (RFC 6750 §3).

import type { Request } from 'express';
import type { Context } from '../context';
import { isOAuthError, OAuthError } from '../errors/oauth-error';
import type { AuthInfo } from '../types';
import { extractToken } from './extract-token';
import { verifyAccessToken, verifyCachedAccessToken, type VerifyOptions } from './verify-access-token';
import { wwwAuthenticate } from '../http/www-authenticate';
import { boundJkt, checkBinding, presentationOf } from '../dpop/check-binding';
import { withDpopChallenge } from '../dpop/challenge';
import { freshNonceHeaders } from '../dpop/nonce';

export interface RequireTokenOptions extends VerifyOptions {
  /** Scopes the token must all carry (a space-separated string or a list). */
  readonly scope?: string | readonly string[];
}

export function requiredScopes(scope: RequireTokenOptions['scope']): readonly string[] {
  if (scope === undefined) return [];
  return typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [...scope];
}

/**
 * The common case without a promise: a Bearer token already verified and cached, not DPoP-bound, no store read
 * due, every required scope present. Anything else (including every error) is undefined: `authorize` decides it.
 */
export function authorizeCached(ctx: Context, req: Request, scopes: readonly string[], options: VerifyOptions): AuthInfo | undefined {
  // Only the canonical spelling; any other is left to extractToken. A hit means these exact bytes verified before,
  // so the b64token syntax need not be matched again.
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const auth = verifyCachedAccessToken(ctx, header.slice(7), options);
  if (auth === undefined || boundJkt(auth.claims) !== undefined) return undefined;
  for (const scope of scopes) if (!auth.scope.includes(scope)) return undefined;
  return auth;
}

/** The verified token's info; otherwise an OAuthError whose headers carry the RFC 6750 §3 challenge. */
export async function authorize(ctx: Context, req: Request, scopes: readonly string[], options: VerifyOptions): Promise<AuthInfo> {
  const realm = ctx.config.realm;
  const extracted = extractToken(req);
  if (extracted.kind === 'missing') {
    // RFC 6750 §3.1: "If the request lacks any authentication information ... SHOULD NOT include an error code".
    // With dpop.required every token this server issues is DPoP-bound, so the challenge names that scheme and its
    // proof algorithms instead (RFC 9449 §7.1, `WWW-Authenticate: DPoP algs="..."`).
    const { dpop } = ctx.config;
    const header = dpop.required ? wwwAuthenticate('DPoP', { realm, algs: dpop.algorithms.join(' ') }) : wwwAuthenticate('Bearer', { realm });
    const description = dpop.required ? 'A DPoP-bound access token is required' : 'A bearer token is required';
    throw new OAuthError('invalid_request', description, { status: 401, detail: 'no token', headers: { 'WWW-Authenticate': header } });
  }
  if (extracted.kind === 'malformed') {
    throw challenge(realm, new OAuthError('invalid_request', 'The Authorization header is malformed', { detail: 'malformed' }));
  }
  // RFC 9449 §7.1: a request made with the DPoP scheme gets DPoP challenges.
  const dpop = extracted.scheme === 'DPoP';
  let auth: AuthInfo;
  try {
    auth = await verifyAccessToken(ctx, extracted.token, options);
    // The request URL (for the proof's htu) is only worked out when there is a proof to check.
    await checkBinding(ctx, auth, dpop ? presentationOf(req, 'DPoP') : undefined);
    // RFC 9449 §9: a resource server may hand out its next nonce on success too (see freshNonceHeaders).
    if (dpop) for (const [name, value] of Object.entries(freshNonceHeaders(ctx))) req.res?.setHeader(name, value);
  } catch (err) {
    // checkBinding's errors already carry their DPoP challenge.
    if (isOAuthError(err) && err.headers['WWW-Authenticate'] !== undefined) throw err;
    if (isOAuthError(err) && (err.error === 'invalid_token' || err.error === 'invalid_dpop_proof')) {
      throw dpop ? withDpopChallenge(ctx, err) : challenge(realm, err);
    }
    throw err;
  }
  const missing = scopes.filter((s) => !auth.scope.includes(s));
  if (missing.length > 0) {
    const err = new OAuthError('insufficient_scope', 'The access token lacks the scope this resource requires', {
      detail: `missing ${missing.join(' ')}`,
    });
    throw dpop ? withDpopChallenge(ctx, err, scopes.join(' ')) : challenge(realm, err, scopes.join(' '));
  }
  return auth;
}

function challenge(realm: string, err: OAuthError, scope?: string): OAuthError {
  return new OAuthError(err.error, err.description, {
    detail: err.detail,
    status: err.status,
    headers: {
      'WWW-Authenticate': wwwAuthenticate('Bearer', { realm, error: err.error, error_description: err.description, scope }),
    },
  });
}
