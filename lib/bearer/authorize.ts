// lib/bearer/authorize.ts
// The one bearer core (RFC 6750 §3, RFC 9449 §7): a presented token verified, its DPoP binding checked, its scopes
// checked. requireToken, the passport strategy, auth.verifyAccessToken and /userinfo all go through it.

import type { Request } from 'express';
import type { Context } from '../context';
import { checkBinding, presentationOf, type DpopPresentation } from '../dpop/check-binding';
import { withDpopChallenge } from '../dpop/challenge';
import { freshNonceHeaders } from '../dpop/nonce';
import { isOAuthError, OAuthError } from '../errors/oauth-error';
import { wwwAuthenticate } from '../http/www-authenticate';
import type { AuthInfo } from '../types';
import { canonicalBearer, extractToken } from './extract-token';
import { authInfo, cachedHit, verifyAccessToken, type VerifyOptions } from './verify-access-token';

export interface RequireTokenOptions extends VerifyOptions {
  /** Scopes the token must all carry (a space-separated string or a list). */
  readonly scope?: string | readonly string[];
}

export function requiredScopes(scope: RequireTokenOptions['scope']): readonly string[] {
  if (scope === undefined) return [];
  return typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : [...scope];
}

/** True when `granted` holds every one of `required` (no allocation: this runs on every cached request). */
function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (!granted.includes(scope)) return false;
  return true;
}

/** A token as presented, from a request's Authorization header or handed to auth.verifyAccessToken. */
interface Presented {
  readonly token: string;
  readonly scheme: 'Bearer' | 'DPoP';
  /** How the DPoP proof came; worked out only when one must be checked (the request URL costs a little). */
  readonly dpop: () => DpopPresentation | undefined;
  /** Sets a response header on success (the next DPoP nonce); absent outside Express. */
  readonly setHeader?: (name: string, value: string) => void;
}

/**
 * The common case without a promise: a Bearer token already verified and cached, not DPoP-bound, no store read
 * due, every required scope present. Anything else (including every error) is undefined: `authorize` decides it.
 */
export function authorizeCached(ctx: Context, req: Request, scopes: readonly string[], options: VerifyOptions): AuthInfo | undefined {
  const token = canonicalBearer(req.headers.authorization);
  if (token === undefined) return undefined;
  const hit = cachedHit(ctx, token, options);
  if (hit === undefined || hit.jkt !== undefined || !hasScopes(hit.scope, scopes)) return undefined;
  return authInfo(hit, token);
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
  const { token, scheme } = extracted;
  // The request URL (for the proof's htu) is only worked out when there is a proof to check.
  const presented: Presented = { token, scheme, dpop: () => presentationOf(req, 'DPoP'), setHeader: (name, value) => req.res?.setHeader(name, value) };
  return authorizePresented(ctx, presented, scopes, options);
}

/**
 * auth.verifyAccessToken: the same checks and errors for a token handed over outside Express. Its scheme is
 * `options.dpop.scheme`, else DPoP when a proof is given, else Bearer (see DpopPresentation).
 */
export function authorizeToken(ctx: Context, token: string, options: VerifyOptions): Promise<AuthInfo> {
  const { dpop } = options;
  const scheme = dpop?.scheme ?? (dpop?.proof !== undefined ? 'DPoP' : 'Bearer');
  return authorizePresented(ctx, { token, scheme, dpop: () => dpop }, [], options);
}

async function authorizePresented(ctx: Context, presented: Presented, scopes: readonly string[], options: VerifyOptions): Promise<AuthInfo> {
  const realm = ctx.config.realm;
  // RFC 9449 §7.1: a request made with the DPoP scheme gets DPoP challenges.
  const dpop = presented.scheme === 'DPoP';
  let auth: AuthInfo;
  try {
    auth = await verifyAccessToken(ctx, presented.token, options);
    await checkBinding(ctx, auth, dpop ? presented.dpop() : undefined);
    // RFC 9449 §9: a resource server may hand out its next nonce on success too (see freshNonceHeaders).
    if (dpop && presented.setHeader !== undefined) {
      for (const [name, value] of Object.entries(freshNonceHeaders(ctx))) presented.setHeader(name, value);
    }
  } catch (err) {
    // checkBinding's errors already carry their DPoP challenge.
    if (isOAuthError(err) && err.headers['WWW-Authenticate'] !== undefined) throw err;
    if (isOAuthError(err) && (err.error === 'invalid_token' || err.error === 'invalid_dpop_proof')) {
      throw dpop ? withDpopChallenge(ctx, err) : challenge(realm, err);
    }
    throw err;
  }
  if (!hasScopes(auth.scope, scopes)) {
    const missing = scopes.filter((s) => !auth.scope.includes(s));
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
