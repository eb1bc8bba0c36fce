// lib/grants/password.ts
// grant_type=password (RFC 6749 §4.3): check the user's credentials through the app, then issue tokens.

import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Context } from '../context';
import { invalidGrant } from '../errors/oauth-error';
import type { FormParams } from '../token-endpoint/parse-form';
import { sha256, randomToken } from '../util/crypto';
import { epochSeconds } from '../util/clock';
import { runVerifyUser } from '../users/verify-user';
import type { Client } from '../types';
import type { TokenBinding } from '../dpop/token-request';
import { buildTokenResponse, enrich, type Issued } from './issue-tokens';
import { assertMaxLength, requireParams } from './params';
import { grantableScope, parseScope, requestedScope } from './scope';
import { storeCall } from './store-call';

export async function passwordGrant(ctx: Context, req: Request, params: FormParams, client: Client, binding: TokenBinding = {}): Promise<Issued> {
  const { config } = ctx;
  // RFC 6749 §4.3.2: username and password are REQUIRED.
  const { username, password } = requireParams(params, ['username', 'password']);
  assertMaxLength('username', username, config.limits.username);
  assertMaxLength('password', password, config.limits.password);
  assertMaxLength('scope', params.scope, config.limits.scope);
  const scope = requestedScope(client, parseScope(params.scope));

  const verdict = await runVerifyUser(ctx, username, password, { client, scope, req });
  if (verdict.user === undefined) {
    ctx.emit('login.failed', { clientId: client.id, ip: req.ip, username, reason: verdict.reason });
    // The same invalid_grant for an unknown user and a wrong password: no enumeration (RFC 6819 §4.4.3).
    throw invalidGrant(verdict.reason);
  }
  const { user } = verdict;

  const granted = grantableScope(scope, user);
  const now = epochSeconds(config.now);
  const sid = randomUUID();
  const wantsRefresh =
    client.grants.includes('refresh_token') && (!config.requireOfflineAccess || granted.includes('offline_access'));
  const refreshToken = wantsRefresh ? randomToken() : undefined;
  const { jkt } = binding;
  const input = { grantType: 'password' as const, client, sub: user.id, user, scope: granted, sid, authTime: now, now, refreshToken, nonce: params.nonce, jkt };
  const enrichment = await enrich(ctx, input, req);
  const issued = buildTokenResponse(ctx, input, enrichment);
  if (refreshToken !== undefined) {
    const record = {
      id: sha256(refreshToken),
      familyId: sid,
      clientId: client.id,
      sub: user.id,
      scope: granted,
      authTime: now,
      issuedAt: now,
      expiresAt: now + (client.refreshTokenTTL ?? config.refreshTokenTTL),
      username: user.username,
      jkt,
      extraClaims: Object.keys(issued.extraClaims).length > 0 ? issued.extraClaims : undefined,
    };
    await storeCall('saveRefreshToken', () => config.store.saveRefreshToken(record));
  }
  ctx.emit('login.succeeded', { clientId: client.id, ip: req.ip, userId: user.id, username });
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
