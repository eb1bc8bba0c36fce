// lib/grants/refresh-token.ts
// grant_type=refresh_token (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2).

import type { Request } from 'express';
import type { Context } from '../context';
import { invalidGrant } from '../errors/oauth-error';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client, FormParams } from '../types';
import { epochSeconds } from '../util/clock';
import { randomToken, sha256 } from '../util/crypto';
import { buildTokenResponse, enrich, type Issued } from './issue-tokens';
import { refreshInput } from './refresh-input';
import { assertMaxLength, requireParams } from '../http/params';
import { familyEnd, refreshExpiresAt } from './refresh-lifetime';
import { narrowedScope, parseScope } from './scope';
import { storeCall } from '../stores/shared/store-call';
import { refreshBinding } from './refresh-binding';
import type { TokenBinding } from '../dpop/token-request';
import { successorToken } from './successor';
import { userCheckedScope } from './refresh-user';
import { endSession } from './end-session';
import { assertFamilyListed } from './subject-mark';
import { sessionDetails } from './session';
import { refreshInOneStep } from './refresh-one-step';

export async function refreshTokenGrant(ctx: Context, req: Request, params: FormParams, client: Client, binding: TokenBinding = {}): Promise<Issued> {
  const { config } = ctx;
  const { refresh_token: presented } = requireParams(params, ['refresh_token']);
  assertMaxLength('scope', params.scope, config.limits.scope);
  const id = sha256(presented);
  const now = epochSeconds(config.now);
  const done = await refreshInOneStep(ctx, req, params, client, binding, presented, id, now);
  if (done !== undefined) return done;
  const record = await storeCall('findRefreshToken', () => config.store.findRefreshToken(id));
  if (record === undefined) throw invalidGrant('unknown, expired or revoked refresh token');
  // RFC 6749 §10.4: the token is bound to the client it was issued to.
  if (record.clientId !== client.id) throw invalidGrant('refresh token was issued to another client');
  // Before the spent check, so a retry within refreshReuseGrace cannot outlive the family either.
  if (familyEnd(ctx, client, record.authTime) <= now) {
    // The session ended when its absolute lifetime passed, unseen until now: a store expires keys silently. Before
    // the expiry check, so a store that still hands back a lapsed record lets the app learn of the end too.
    ctx.emit('session.revoked', { clientId: client.id, ip: req.ip, sub: record.sub, sid: record.familyId, reason: 'expired' });
    throw invalidGrant('refresh token family reached its absolute lifetime');
  }
  if (record.expiresAt <= now) throw invalidGrant('unknown, expired or revoked refresh token');
  // Before the spent check: a retry within refreshReuseGrace is refused by auth.revokeSessions too.
  await assertFamilyListed(ctx, record, client);
  if (record.spentAt !== undefined) return spent(ctx, req, params, record, client, presented, now, binding);
  const jkt = refreshBinding(client, record, binding);

  const requested = narrowedScope(record, client, parseScope(params.scope));
  // The app's say on the user (findUser), before anything is spent.
  const { scope, user } = await userCheckedScope(ctx, req, record, client, requested);
  // With a reuse grace the successor must be computable again from the presented token (only hashes are stored).
  const refreshToken = config.refreshReuseGrace > 0 ? successorToken(config, presented) : randomToken();
  // The presented record without its spent fields and its old binding (no keys set to undefined, no copy pass).
  const { spentAt: _spentAt, successorId: _successorId, jkt: _jkt, ...kept } = record;
  const next: RefreshTokenRecord = {
    ...kept,
    id: sha256(refreshToken),
    issuedAt: now,
    // authTime is the family's login time, kept by every rotation: a fresh idle TTL, capped at the family's end.
    expiresAt: refreshExpiresAt(ctx, client, record.authTime, now),
    ...(jkt === undefined ? {} : { jkt }),
  };
  const input = refreshInput(client, record, scope, now, refreshToken, { user, jkt });
  const enrichment = await enrich(ctx, input, req);
  const issued = buildTokenResponse(ctx, input, enrichment);
  // In the rotation's own store call: with sessionDetails, this use's IP and User-Agent become the session's.
  const details = sessionDetails(ctx, req, client);
  const result = await storeCall('rotateRefreshToken', () => config.store.rotateRefreshToken(id, next, now, details));
  if (result.outcome === 'reused') return spent(ctx, req, params, result.previous, client, presented, now, binding);
  if (result.outcome === 'invalid') throw invalidGrant('refresh token revoked or expired during rotation');
  ctx.emit('token.refreshed', { clientId: client.id, ip: req.ip, userId: record.sub, jti: issued.jti, sid: record.familyId });
  return issued;
}

/**
 * A spent token came back. Within the reuse grace, from its own client (checked by the caller), and while its
 * successor is still unused, it is a retry after a lost response: answer with the same successor and a fresh access
 * token. Otherwise it is reuse.
 */
async function spent(
  ctx: Context,
  req: Request,
  params: FormParams,
  record: RefreshTokenRecord,
  client: Client,
  presented: string,
  now: number,
  binding: TokenBinding,
): Promise<Issued> {
  const { config } = ctx;
  const grace = config.refreshReuseGrace;
  if (grace === 0 || record.spentAt === undefined || now - record.spentAt > grace) return reused(ctx, req, record, client);
  const successor = successorToken(config, presented);
  const successorId = sha256(successor);
  if (record.successorId !== successorId) return reused(ctx, req, record, client);
  const next = await storeCall('findRefreshToken', () => config.store.findRefreshToken(successorId));
  if (next === undefined || next.expiresAt <= now) throw invalidGrant('refresh token retried, but its successor is gone or revoked');
  // The client already moved on to the successor: the old token coming back now is no retry.
  if (next.spentAt !== undefined) return reused(ctx, req, record, client);
  // A retry of a DPoP-bound token must prove the same key as the first attempt would have.
  const jkt = refreshBinding(client, next, binding);
  // A retry mints tokens too: the app's say on the user (findUser) holds here as well.
  const { scope, user } = await userCheckedScope(ctx, req, next, client, narrowedScope(next, client, parseScope(params.scope)));
  const input = refreshInput(client, next, scope, now, successor, { user, jkt });
  const issued = buildTokenResponse(ctx, input, await enrich(ctx, input, req));
  ctx.emit('token.refreshed', { clientId: client.id, ip: req.ip, userId: next.sub, jti: issued.jti, sid: next.familyId, retried: true });
  return issued;
}

/** RFC 9700 §4.14.2: a spent token used again means it leaked; revoke the whole grant. */
async function reused(ctx: Context, req: Request, record: RefreshTokenRecord, client: Client): Promise<never> {
  await endSession(ctx, record, client, 'reused', req.ip);
  ctx.emit('refresh.reused', { clientId: client.id, ip: req.ip, userId: record.sub, sid: record.familyId });
  throw invalidGrant('refresh token reused; its family is revoked');
}
