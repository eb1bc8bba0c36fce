// lib/grants/end-session.ts
// Ends a session (one login, its refresh-token family): revokes the family and tells the app with `session.revoked`.

import type { Context } from '../context';
import type { SessionEndReason } from '../events';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client } from '../types';
import { revokeFamily } from './family';

/**
 * Revokes the family `record` belongs to (its refresh tokens, and the access tokens whose `sid` is the family id),
 * then emits `session.revoked` with `reason`. Emitted only once the revocation is stored: an event never announces
 * an end the store did not record.
 */
export async function endSession(
  ctx: Context,
  record: RefreshTokenRecord,
  client: Client,
  reason: Exclude<SessionEndReason, 'expired' | 'app'>,
  ip: string | undefined,
): Promise<void> {
  await revokeFamily(ctx, record.familyId, client, record.authTime);
  ctx.emit('session.revoked', { clientId: client.id, ip, sub: record.sub, sid: record.familyId, reason });
}
