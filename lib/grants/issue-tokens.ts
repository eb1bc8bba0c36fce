// lib/grants/issue-tokens.ts
// Builds the RFC 6749 §5.1 success response: access token, optional refresh token and id_token, app extras.

import type { Request } from 'express';
import type { Context } from '../context';
import { isOAuthError, serverError } from '../errors/oauth-error';
import type { TokenEnrichment } from '../options';
import { mintAccessToken, withoutReserved } from '../tokens/access-token';
import { mintIdToken } from '../tokens/id-token';
import type { Client, User } from '../types';
import { formatScope } from './scope';

/** Members of the token response the app's hook may not set. */
const RESERVED_RESPONSE = new Set(['access_token', 'token_type', 'expires_in', 'scope', 'refresh_token', 'id_token', 'issued_token_type']);

export interface IssueInput {
  readonly grantType: 'password' | 'refresh_token';
  readonly client: Client;
  readonly sub: string;
  readonly user?: User;
  readonly scope: readonly string[];
  readonly sid: string;
  readonly authTime: number;
  readonly now: number;
  readonly refreshToken?: string;
  readonly jkt?: string;
  /** Claims remembered from the original grant (refresh). */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  readonly nonce?: string;
}

export interface Issued {
  readonly body: Record<string, unknown>;
  readonly jti: string;
  readonly extraClaims: Record<string, unknown>;
}

export async function enrich(ctx: Context, input: IssueInput, req: Request): Promise<TokenEnrichment> {
  const hook = ctx.config.enrichToken;
  if (hook === undefined) return {};
  try {
    const { grantType, client, sub, user, scope } = input;
    return (await hook({ grantType, client, sub, user, scope, req })) ?? {};
  } catch (err) {
    // A deliberate OAuthError (access_denied) is the app's answer, as from verifyUser; anything else is a failure.
    if (isOAuthError(err)) throw err;
    throw serverError(err, 'enrichToken threw');
  }
}

export function accessTokenTTL(ctx: Context, client: Client): number {
  return client.accessTokenTTL ?? ctx.config.accessTokenTTL;
}

export function buildTokenResponse(ctx: Context, input: IssueInput, enrichment: TokenEnrichment): Issued {
  const { config } = ctx;
  const ttl = accessTokenTTL(ctx, input.client);
  const extraClaims = { ...input.extraClaims, ...withoutReserved(enrichment.accessTokenClaims) };
  const access = mintAccessToken(config.keyring, {
    issuer: config.issuer,
    audience: input.client.audience ?? config.audience,
    sub: input.sub,
    clientId: input.client.id,
    scope: input.scope,
    sid: input.sid,
    authTime: input.authTime,
    now: input.now,
    ttl,
    jkt: input.jkt,
    extraClaims,
  });
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(enrichment.response ?? {})) {
    if (!RESERVED_RESPONSE.has(name)) body[name] = value;
  }
  Object.assign(body, {
    access_token: access.token,
    token_type: input.jkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: ttl,
    scope: formatScope(input.scope),
  });
  if (input.refreshToken !== undefined) body.refresh_token = input.refreshToken;
  if (input.scope.includes('openid') && input.grantType === 'password') {
    body.id_token = mintIdToken(config.keyring, {
      issuer: config.issuer,
      sub: input.sub,
      clientId: input.client.id,
      scope: input.scope,
      authTime: input.authTime,
      now: input.now,
      ttl: config.idTokenTTL,
      sid: input.sid,
      accessToken: access.token,
      claims: input.user?.claims,
      nonce: input.nonce,
    });
  }
  return { body, jti: access.jti, extraClaims };
}
