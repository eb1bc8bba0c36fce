// lib/bearer/verify-access-token.ts
// The one verifier behind requireToken, the passport strategy and verifyAccessToken (RFC 9068 §4).

import jwt from 'jsonwebtoken';
import type { Context } from '../context';
import { OAuthError } from '../errors/oauth-error';
import { critProblem } from '../jose/crit';
import { storeCall } from '../stores/shared/store-call';
import type { RevocationStore } from '../stores/shared/revocation-store';
import type { AuthInfo } from '../types';
import { isObject } from '../util/assert';
import { epochSeconds } from '../util/clock';
import { boundJkt, type DpopPresentation } from '../dpop/check-binding';
import { deepFreeze, type VerifiedToken } from '../context/verified-cache';

export interface VerifyOptions {
  /** Accepted `aud` values; default: the `audience` option. */
  readonly audience?: string | readonly string[];
  /**
   * `auth.verifyAccessToken` only (requireToken reads the request itself): how the token was presented, so a
   * DPoP-bound token's proof can be checked (RFC 9449 §7.1). Without it a DPoP-bound token is rejected.
   */
  readonly dpop?: DpopPresentation;
}

export const invalidToken = (detail: string): OAuthError => new OAuthError('invalid_token', 'The access token is invalid, expired or revoked', { detail });

/**
 * Verifies an access token: signature by a configured key with its pinned algorithm (no `none`, no HS/RS
 * confusion), `typ` at+jwt, `iss`, `aud`, `exp`/`nbf` with the clock tolerance, then revocation. A token verified
 * before is served from the bounded cache (see verified-cache.ts): same bytes, `exp` not reached, audience
 * re-checked, and revocation still honoured (by the store's broadcast, or by a store read when it has none).
 */
export async function verifyAccessToken(ctx: Context, token: unknown, options: VerifyOptions = {}): Promise<AuthInfo> {
  if (typeof token === 'string') {
    const now = ctx.config.now();
    const hit = cachedEntry(ctx, token, options, now);
    if (hit !== undefined) {
      if (ctx.config.checkRevocation && ctx.verifiedTokens.needsStoreCheck(hit, now)) {
        await assertNotRevoked(ctx, hit.jti, hit.sid);
        hit.checkedAtMs = now;
      }
      return authInfo(hit, token);
    }
  }
  return verifyAndRemember(ctx, token, options);
}

/**
 * The cache-hit path without a promise: the entry when `token` is cached, its audience accepted and no store read is
 * due (revocations then arrive by broadcast); otherwise undefined, and the caller takes verifyAccessToken.
 * requireToken tries this first, so the common request (a token seen before) costs a Map lookup and no microtask;
 * the caller checks binding and scope on the entry before building the AuthInfo (authInfo).
 */
export function cachedHit(ctx: Context, token: string, options: VerifyOptions): VerifiedToken | undefined {
  const now = ctx.config.now();
  const hit = cachedEntry(ctx, token, options, now);
  if (hit === undefined || (ctx.config.checkRevocation && ctx.verifiedTokens.needsStoreCheck(hit, now))) return undefined;
  return hit;
}

function cachedEntry(ctx: Context, token: string, options: VerifyOptions, now: number): VerifiedToken | undefined {
  const hit = ctx.verifiedTokens.get(token, now);
  // The audience is checked on every hit, against this call's option as it is now (an app may change its list).
  return hit !== undefined && audienceAccepted(hit.aud, options.audience ?? ctx.config.audience) ? hit : undefined;
}

async function verifyAndRemember(ctx: Context, token: unknown, options: VerifyOptions): Promise<AuthInfo> {
  const { config, verifiedTokens: cache } = ctx;
  const epoch = cache.epoch;
  const checkedAtMs = config.now();
  const payload = deepFreeze(verifySignatureAndClaims(ctx, token, options));
  const jti = payload.jti as string;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  if (config.checkRevocation) await assertNotRevoked(ctx, jti, sid);
  const verified: VerifiedToken = {
    token: token as string,
    claims: payload,
    sub: payload.sub as string,
    clientId: payload.client_id as string,
    aud: payload.aud,
    jkt: boundJkt(payload),
    scope: Object.freeze(typeof payload.scope === 'string' ? payload.scope.split(' ').filter((s) => s !== '') : []),
    jti,
    sid,
    expiresAtMs: (payload.exp as number) * 1000,
    checkedAtMs,
  };
  cache.set(verified, epoch);
  return authInfo(verified, token as string);
}

async function assertNotRevoked(ctx: Context, jti: string, sid: string | undefined): Promise<void> {
  const revocations: RevocationStore = ctx.config.store;
  const revoked = await storeCall('isAccessTokenRevoked', () => revocations.isAccessTokenRevoked(jti, sid));
  if (revoked) throw invalidToken('token revoked');
}

export function authInfo(verified: VerifiedToken, token: string): AuthInfo {
  return { sub: verified.sub, clientId: verified.clientId, scope: verified.scope, sid: verified.sid, claims: verified.claims, token };
}

/** jsonwebtoken's rule: at least one `aud` value of the token is among the accepted ones. */
function audienceAccepted(aud: unknown, accepted: string | readonly string[]): boolean {
  // The common case (one `aud`, one accepted value) allocates nothing: this runs on every cache hit.
  if (typeof aud === 'string') return typeof accepted === 'string' ? aud === accepted : accepted.includes(aud);
  if (!Array.isArray(aud)) return false;
  return typeof accepted === 'string' ? aud.includes(accepted) : aud.some((a) => accepted.includes(a as string));
}

/**
 * Signature, typ, iss, exp/nbf and required claims, without the revocation check. `anyAudience` skips `aud`: for
 * the authorization server's own endpoints (introspection, revocation), where the token may be for any resource.
 */
export function verifySignatureAndClaims(ctx: Context, token: unknown, options: VerifyOptions, anyAudience = false): Record<string, unknown> {
  const { config } = ctx;
  if (typeof token !== 'string' || token.length > 8192) throw invalidToken('not a string or too long');
  const header = decodeHeader(token);
  // RFC 9068 §4: "Resource servers MUST verify that the typ header value is at+jwt or application/at+jwt".
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ !== 'at+jwt' && typ !== 'application/at+jwt') throw invalidToken('typ is not at+jwt');
  // RFC 7515 §4.1.11: jsonwebtoken ignores `crit`; a JWS naming an extension we do not understand is invalid.
  const crit = critProblem(header);
  if (crit !== undefined) throw invalidToken(crit);
  const key = typeof header.kid === 'string' ? config.keyring.byKid.get(header.kid) : undefined;
  if (key === undefined) throw invalidToken('unknown kid');
  if (header.alg !== key.alg) throw invalidToken('alg does not match the key');
  let payload: unknown;
  try {
    payload = jwt.verify(token, key.verifyKey, {
      algorithms: [key.alg],
      issuer: config.issuer,
      audience: anyAudience ? undefined : toJwtAudience(options.audience ?? config.audience),
      clockTolerance: config.clockTolerance,
      clockTimestamp: epochSeconds(config.now),
    });
  } catch (err) {
    throw invalidToken(err instanceof Error ? err.message : 'verification failed');
  }
  if (!isObject(payload)) throw invalidToken('payload is not an object');
  for (const claim of ['sub', 'client_id', 'jti'] as const) {
    if (typeof payload[claim] !== 'string') throw invalidToken(`missing ${claim}`);
  }
  if (typeof payload.exp !== 'number') throw invalidToken('missing exp');
  return payload;
}

function decodeHeader(token: string): Record<string, unknown> {
  const dot = token.indexOf('.');
  if (dot <= 0) throw invalidToken('not a JWS');
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    if (isObject(header)) return header;
  } catch {
    // fall through
  }
  throw invalidToken('unreadable header');
}

function toJwtAudience(audience: string | readonly string[]): string | [string, ...string[]] {
  return typeof audience === 'string' ? audience : ([...audience] as [string, ...string[]]);
}
