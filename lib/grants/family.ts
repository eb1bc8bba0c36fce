// lib/grants/family.ts
// Revokes a grant (refresh-token family) or one access token for long enough that nothing can outlive the mark.

import type { Context } from '../context';
import type { Client } from '../types';
import { epochSeconds } from '../util/clock';
import { familyEnd } from './refresh-lifetime';
import { storeCall } from '../stores/shared/store-call';
import type { RevocationStore } from '../stores/shared/revocation-store';

/** Revoking uses the revocation concern of the store only. */
const revocations = (ctx: Context): RevocationStore => ctx.config.store;

/**
 * Seconds a verifier may still accept a token after its `exp`: `clockTolerance`, rounded up, plus one second for
 * the rounding of clocks to whole seconds. A revocation mark that ended at `exp` would let a revoked token come back
 * to life during that window.
 */
export function acceptedPastExp(ctx: Context): number {
  return Math.ceil(ctx.config.clockTolerance) + 1;
}

/** The epoch second until which a revoked access token's mark must stay: as long as a verifier could accept it. */
export function accessTokenMarkEnd(ctx: Context, exp: number): number {
  return exp + acceptedPastExp(ctx);
}

/**
 * A family's refresh tokens live at most the (longest) refresh TTL from now, and access tokens issued from them at
 * most the (longest) access TTL, plus what the verifier tolerates past `exp`. Given the family's login time, also
 * until its absolute end: a token issued before refreshTokenTTL was lowered outlives the current TTL, and only the
 * family's end (checked against the current settings on every refresh) bounds it.
 */
export function familyRevocationTTL(ctx: Context, client?: Client, authTime?: number): number {
  const { refreshTokenTTL, accessTokenTTL } = ctx.config;
  const untilEnd = client !== undefined && authTime !== undefined ? familyEnd(ctx, client, authTime) - epochSeconds(ctx.config.now) : 0;
  const refresh = Math.max(refreshTokenTTL, client?.refreshTokenTTL ?? 0, untilEnd);
  return refresh + Math.max(accessTokenTTL, client?.accessTokenTTL ?? 0) + acceptedPastExp(ctx);
}

/** Revokes a grant; pass its `authTime` (the record's) so the mark lasts until the grant's end if need be. */
export function revokeFamily(ctx: Context, familyId: string, client?: Client, authTime?: number): Promise<void> {
  return storeCall('revokeFamily', () => revocations(ctx).revokeFamily(familyId, familyRevocationTTL(ctx, client, authTime)));
}

/** Marks one access token revoked until no verifier could accept it any more (RFC 7009 §2.1). */
export function revokeAccessToken(ctx: Context, jti: string, exp: number): Promise<void> {
  return storeCall('revokeAccessToken', () => revocations(ctx).revokeAccessToken(jti, accessTokenMarkEnd(ctx, exp)));
}
