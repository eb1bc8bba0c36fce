// lib/grants/password.ts
// grant_type=password (RFC 6749 §4.3): check the user's credentials through the app, then issue tokens.

import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Context } from '../context';
import { sha256, randomToken } from '../util/crypto';
import { epochSeconds } from '../util/clock';
import { passwordLogin, type VerifiedLogin } from './password-login';
import type { Client, FormParams } from '../types';
import type { TokenBinding } from '../dpop/token-request';
import { buildTokenResponse, enrich, type Issued } from './issue-tokens';
import { refreshExpiresAt } from './refresh-lifetime';
import { grantableScope } from './scope';
import { storeCall } from '../stores/shared/store-call';
import type { RefreshTokenRecord, RefreshTokenStore } from '../stores/shared/refresh-token-store';
import { loginSession, sessionDetails, type LoginSession } from './session';

/**
 * One store call for a login: its session with its first refresh token (a store with sessions writes both in one
 * statement, transaction or script), or only the refresh token, if any, for a store without sessions.
 */
async function saveLogin(ctx: Context, client: Client, login: LoginSession, refreshToken: RefreshTokenRecord | undefined): Promise<void> {
  const { sessions, maxSessionsPerUser } = ctx.config;
  if (sessions !== undefined) {
    const session = loginSession(ctx, client, login);
    await storeCall('saveSession', () => sessions.saveSession(session, { refreshToken, maxPerUser: maxSessionsPerUser }));
  } else if (refreshToken !== undefined) {
    const records: RefreshTokenStore = ctx.config.store;
    await storeCall('saveRefreshToken', () => records.saveRefreshToken(refreshToken));
  }
}

/**
 * `verified` skips the credential check: the MFA grant passes the login it completed (lib/grants/mfa.ts).
 */
export async function passwordGrant(
  ctx: Context,
  req: Request,
  params: FormParams,
  client: Client,
  binding: TokenBinding = {},
  verified?: VerifiedLogin,
): Promise<Issued> {
  const { config } = ctx;
  const login = verified ?? (await passwordLogin(ctx, req, params, client));
  const { user, username, scope } = login;

  const granted = grantableScope(scope, user);
  const now = epochSeconds(config.now);
  const sid = randomUUID();
  const wantsRefresh = client.grants.includes('refresh_token') && (!config.requireOfflineAccess || granted.includes('offline_access'));
  const refreshToken = wantsRefresh ? randomToken() : undefined;
  const { jkt } = binding;
  const input = { grantType: 'password' as const, client, sub: user.id, user, scope: granted, sid, authTime: now, now, refreshToken, nonce: params.nonce, jkt };
  const enrichment = await enrich(ctx, input, req);
  const issued = buildTokenResponse(ctx, input, enrichment);
  const record =
    refreshToken === undefined
      ? undefined
      : {
          id: sha256(refreshToken),
          familyId: sid,
          clientId: client.id,
          sub: user.id,
          scope: granted,
          authTime: now,
          issuedAt: now,
          // The family starts here (authTime = now): its absolute lifetime counts from this login.
          expiresAt: refreshExpiresAt(ctx, client, now, now),
          username: user.username,
          jkt,
          extraClaims: Object.keys(issued.extraClaims).length > 0 ? issued.extraClaims : undefined,
        };
  // Personal data: kept only when the app asks for it (options.sessionDetails).
  const details = sessionDetails(ctx, req, client);
  await saveLogin(ctx, client, { sid, sub: user.id, scope: granted, now, refreshTokenId: record?.id, ...details }, record);
  ctx.emit('login.succeeded', { clientId: client.id, ip: login.ip, userId: user.id, username });
  ctx.emit('token.issued', {
    clientId: client.id,
    ip: req.ip,
    grantType: 'password',
    userId: user.id,
    jti: issued.jti,
    sid,
    scope: granted,
    refreshToken: refreshToken !== undefined,
    idToken: issued.body.id_token !== undefined,
  });
  return issued;
}
