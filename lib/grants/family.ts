// lib/grants/family.ts
// Revokes a grant (refresh-token family) for long enough that nothing issued from it can outlive the mark.

import type { Context } from '../context';
import type { Client } from '../types';
import { storeCall } from './store-call';

export function familyRevocationTTL(ctx: Context, client?: Client): number {
  const { refreshTokenTTL, accessTokenTTL } = ctx.config;
  return Math.max(refreshTokenTTL, client?.refreshTokenTTL ?? 0) + Math.max(accessTokenTTL, client?.accessTokenTTL ?? 0);
}

export function revokeFamily(ctx: Context, familyId: string, client?: Client): Promise<void> {
  return storeCall('revokeFamily', () => ctx.config.store.revokeFamily(familyId, familyRevocationTTL(ctx, client)));
}
