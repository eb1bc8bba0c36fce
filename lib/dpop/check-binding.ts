// lib/dpop/check-binding.ts
// At a protected resource: a DPoP-bound access token (cnf.jkt) is accepted only with the DPoP scheme and a valid
// proof made with the bound key (RFC 9449 §7.1); an unbound token is not accepted with the DPoP scheme.

import type { Request } from 'express';
import type { Context } from '../context';
import { isOAuthError, OAuthError } from '../errors/oauth-error';
import type { AuthInfo } from '../types';
import { isObject } from '../util/assert';
import { requestUrl } from '../http/endpoint-url';
import { withDpopChallenge } from './challenge';
import { readDpopHeader } from './read-proof';
import { verifyDpopProof } from './verify-proof';

/**
 * How a token was presented, for `verifyAccessToken(token, { dpop })` outside Express.
 * @example await auth.verifyAccessToken(token, { dpop: { scheme: 'DPoP', proof: headers.dpop, method: 'GET', url: 'https://api.example.com/orders' } })
 */
export interface DpopPresentation {
  /** The Authorization scheme the token came with. Default: 'DPoP' when `proof` is given, else 'Bearer'. */
  readonly scheme?: 'Bearer' | 'DPoP';
  /** The `DPoP` header value. */
  readonly proof?: string;
  /** The request's HTTP method. */
  readonly method: string;
  /** The request's absolute URL (query and fragment are ignored). */
  readonly url: string;
}

/** The presentation of the current Express request; the DPoP header is read only with the DPoP scheme. */
export function presentationOf(req: Request, scheme: 'Bearer' | 'DPoP'): DpopPresentation {
  const proof = scheme === 'DPoP' ? readDpopHeader(req, 401) : undefined;
  return { scheme, proof, method: req.method, url: requestUrl(req) };
}

/** The `jkt` a token is bound to, if any. */
export function boundJkt(claims: Readonly<Record<string, unknown>>): string | undefined {
  const cnf = claims.cnf;
  return isObject(cnf) && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
}

/**
 * Enforces the token's DPoP binding for one presentation; throws a 401 OAuthError with a DPoP challenge.
 * `presentation` undefined means "presented as Bearer, no proof".
 */
export async function checkBinding(ctx: Context, auth: AuthInfo, presentation: DpopPresentation | undefined): Promise<void> {
  const jkt = boundJkt(auth.claims);
  const scheme = presentation?.scheme ?? (presentation?.proof !== undefined ? 'DPoP' : 'Bearer');
  const invalidToken = (detail: string) =>
    withDpopChallenge(ctx, new OAuthError('invalid_token', 'The access token is invalid, expired or revoked', { detail }));
  if (jkt === undefined) {
    // RFC 9449 §7.1: the DPoP scheme asserts a key binding; an unbound token cannot satisfy it.
    if (scheme === 'DPoP') throw invalidToken('DPoP scheme with a token that is not DPoP-bound');
    return;
  }
  // RFC 9449 §7.2: a DPoP-bound token sent as a Bearer token is refused.
  if (scheme !== 'DPoP') throw invalidToken('DPoP-bound token presented as Bearer');
  if (presentation?.proof === undefined) {
    throw withDpopChallenge(ctx, new OAuthError('invalid_dpop_proof', 'The DPoP proof is missing or invalid', { detail: 'no DPoP proof' }));
  }
  let proofJkt: string;
  try {
    ({ jkt: proofJkt } = await verifyDpopProof(ctx, {
      proof: presentation.proof,
      method: presentation.method,
      urls: [presentation.url],
      accessToken: auth.token,
      status: 401,
    }));
  } catch (err) {
    if (isOAuthError(err) && (err.error === 'invalid_dpop_proof' || err.error === 'use_dpop_nonce')) throw withDpopChallenge(ctx, err);
    throw err;
  }
  // RFC 9449 §7.1: the proof's key must be the one the token is bound to.
  if (proofJkt !== jkt) throw invalidToken('DPoP proof key does not match the token binding');
}
