// lib/endpoints/introspect.ts
// POST /introspect (RFC 7662): tells an authenticated client whether a token is active, and what it carries.

import type { Request, Response } from 'express';
import type { Context } from '../context';
import { authenticateClient } from '../client-auth/authenticate-client';
import { OAuthError } from '../errors/oauth-error';
import { requireParams } from '../http/params';
import { familyEnd } from '../grants/refresh-lifetime';
import { storeCall } from '../stores/shared/store-call';
import type { RevocationStore } from '../stores/shared/revocation-store';
import { formEndpoint } from '../http/form-endpoint';
import { sendJson } from '../http/respond';
import type { Client, FormParams } from '../types';
import { epochSeconds } from '../util/clock';
import { findToken, parseHint, type FoundToken } from './find-token';

/** RFC 7662 §2.2: "If the introspection call is properly authorized but the token is not active ... active: false". */
const INACTIVE = { active: false } as const;

/** The /introspect handler. */
export function introspectHandler(ctx: Context) {
  return formEndpoint(ctx, handleIntrospect);
}

async function handleIntrospect(ctx: Context, req: Request, res: Response, params: FormParams): Promise<void> {
  const { token } = requireParams(params, ['token']);
  const hint = parseHint(params.token_type_hint);
  const { client, method } = await authenticateClient(ctx, req, params);
  // RFC 7662 §2.1: "the endpoint MUST also require some form of authorization"; a public client proves nothing.
  if (method === 'none') {
    throw new OAuthError('invalid_client', 'Client authentication failed', { detail: 'public client at introspection' });
  }
  const found = await findToken(ctx, token, hint);
  sendJson(res, 200, found === undefined ? INACTIVE : await describe(ctx, found, client));
}

async function describe(ctx: Context, found: FoundToken, client: Client): Promise<Record<string, unknown>> {
  return found.type === 'access_token' ? describeAccessToken(ctx, found) : describeRefreshToken(ctx, found, client);
}

/**
 * Any authenticated client may introspect an access token: that is how a resource server (registered as a client)
 * checks the tokens presented to it. The JWT's claims are readable by whoever holds it, so this reveals nothing new
 * beyond whether it is still active. Revocation is always checked here, whatever `checkRevocation` says.
 */
async function describeAccessToken(ctx: Context, found: Extract<FoundToken, { type: 'access_token' }>): Promise<Record<string, unknown>> {
  const revocations: RevocationStore = ctx.config.store;
  if (await storeCall('isAccessTokenRevoked', () => revocations.isAccessTokenRevoked(found.jti, found.sid))) return INACTIVE;
  const c = found.claims;
  const cnf = c.cnf as { jkt?: unknown } | undefined;
  return withoutUndefined({
    active: true,
    scope: c.scope,
    client_id: c.client_id,
    // RFC 7662 §2.2: "username: Human-readable identifier for the resource owner"; present when the app's
    // enrichToken hook put a `username` claim into the access token.
    username: typeof c.username === 'string' ? c.username : undefined,
    // RFC 9449 §6.2: a DPoP-bound token is of type DPoP and its binding is reported in `cnf`.
    token_type: typeof cnf?.jkt === 'string' ? 'DPoP' : 'Bearer',
    exp: c.exp,
    iat: c.iat,
    nbf: c.nbf,
    sub: c.sub,
    aud: c.aud,
    iss: c.iss,
    jti: c.jti,
    sid: c.sid,
    auth_time: c.auth_time,
    cnf: c.cnf,
  });
}

/**
 * A refresh token is only for the client it was issued to (RFC 6749 §10.4), so only that client learns that it is
 * active (RFC 7662 §2.2 allows active: false for a client not authorized to know). A rotated (spent) token is
 * inactive. `jti` is the record id (a SHA-256 of the token, useless without the token), `aud` is absent: a refresh
 * token is for this server only. `token_type` is "refresh_token", the RFC 7009 hint name.
 */
function describeRefreshToken(ctx: Context, found: Extract<FoundToken, { type: 'refresh_token' }>, client: Client): Record<string, unknown> {
  const { record } = found;
  if (record.clientId !== client.id || record.spentAt !== undefined) return INACTIVE;
  // A family past its absolute lifetime (e.g. the client's refreshTokenAbsoluteTTL since lowered) is over.
  const end = familyEnd(ctx, client, record.authTime);
  if (end <= epochSeconds(ctx.config.now)) return INACTIVE;
  return withoutUndefined({
    active: true,
    scope: record.scope.join(' '),
    client_id: record.clientId,
    username: record.username,
    token_type: 'refresh_token',
    exp: Math.min(record.expiresAt, end),
    iat: record.issuedAt,
    sub: record.sub,
    iss: ctx.config.issuer,
    jti: record.id,
    sid: record.familyId,
    auth_time: record.authTime,
    cnf: record.jkt === undefined ? undefined : { jkt: record.jkt },
  });
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
