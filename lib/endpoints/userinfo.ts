// lib/endpoints/userinfo.ts
// GET|POST /userinfo (OIDC Core §5.3): the current claims of the token's user, as far as its scope allows.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { authorize } from '../bearer/authorize';
import { bearerFailure } from '../bearer/rejected';
import { wwwAuthenticate } from '../http/www-authenticate';
import { OAuthError } from '../errors/oauth-error';
import type { FindUser } from '../options';
import { noStore, sendJson, sendOAuthError } from '../http/respond';
import { claimsForScope } from '../tokens/id-token';
import { findCurrentUser } from '../users/find-user';
import { USERINFO_CORS_HEADERS, USERINFO_PREFLIGHT_HEADERS } from '../http/public-headers';

/**
 * The /userinfo handler; served only when the `findUser` option is given. Claims come from `findUser(sub)` at
 * request time, so they are current and the store never holds personal data.
 */
export function userinfoHandler(ctx: Context, findUser: FindUser) {
  // OIDC Core §5.3: the UserInfo Endpoint is a resource of the OP; an access token meant for the API audience or for
  // the issuer itself is accepted here.
  const audience = [...new Set([...asList(ctx.config.audience), ctx.config.issuer])];
  return function userinfo(req: Request, res: Response): void {
    noStore(res);
    for (const [name, value] of Object.entries(USERINFO_CORS_HEADERS)) res.setHeader(name, value);
    respond(ctx, findUser, audience, req, res).catch((err: unknown) => sendOAuthError(res, bearerFailure(ctx, req.ip, err)));
  };
}

async function respond(ctx: Context, findUser: FindUser, audience: string[], req: Request, res: Response): Promise<void> {
  // OIDC Core §5.3.1: the token must carry the openid scope; otherwise RFC 6750 insufficient_scope (403).
  const auth = await authorize(ctx, req, ['openid'], { audience });
  const user = await findCurrentUser(findUser, auth.sub);
  if (user === undefined) {
    // The user is gone: the token no longer stands for anyone (RFC 6750 §3.1 invalid_token).
    const description = 'The access token is invalid, expired or revoked';
    throw new OAuthError('invalid_token', description, {
      detail: 'findUser found no user for sub',
      headers: { 'WWW-Authenticate': wwwAuthenticate('Bearer', { realm: ctx.config.realm, error: 'invalid_token', error_description: description }) },
    });
  }
  // OIDC Core §5.3.2: "The sub Claim in the UserInfo Response MUST be verified to exactly match the sub Claim in the
  // ID Token": it is always the token's, never one from the user's claims.
  sendJson(res, 200, { ...claimsForScope(user.claims, auth.scope), sub: auth.sub });
}

function asList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** OPTIONS /userinfo: the CORS preflight (204, no body). */
export function userinfoPreflight(_req: Request, res: Response): void {
  for (const [name, value] of Object.entries(USERINFO_PREFLIGHT_HEADERS)) res.setHeader(name, value);
  res.statusCode = 204;
  res.end();
}
