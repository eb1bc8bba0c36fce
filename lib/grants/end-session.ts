// lib/grants/end-session.ts
// Ends a session (one login, its refresh-token family): revokes the family, deletes what the store keeps of it, and
// tells the app with `session.revoked`.

import type { Context } from '../context';
import type { SessionEndReason } from '../events';
import type { RefreshTokenRecord } from '../stores/shared/store';
import { storeCall } from '../stores/shared/store-call';
import type { Client } from '../types';
import { revokeFamily } from './family';

/**
 * Revokes the family `record` belongs to (its refresh tokens, and the access tokens whose `sid` is the family id),
 * then, with a store that keeps sessions, ends its session there too: the session record (its IP and User-Agent) and
 * every refresh token of the family are deleted, so an ended session leaves nothing of its user but the revocation
 * mark, and `auth.revokeSessions` (which lists live sessions only) has nothing left behind to miss. The revocation
 * comes first and keeps its own lifetime (familyRevocationTTL, which follows the current settings). Then emits
 * `session.revoked` with `reason`: only once the revocation is stored, so an event never announces an end the store
 * did not record.
 */
export async function endSession(
  ctx: Context,
  record: RefreshTokenRecord,
  client: Client,
  reason: Exclude<SessionEndReason, 'expired' | 'app'>,
  ip: string | undefined,
): Promise<void> {
  await revokeFamily(ctx, record.familyId, client, record.authTime);
  const { sessions } = ctx.config;
  if (sessions !== undefined) await storeCall('endSession', () => sessions.endSession(record.familyId));
  ctx.emit('session.revoked', { clientId: client.id, ip, sub: record.sub, sid: record.familyId, reason });
}
