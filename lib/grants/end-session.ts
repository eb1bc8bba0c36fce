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
 * With a store that keeps sessions, ends the session of `record` there: the session record (its IP and User-Agent)
 * and every refresh token of the family are deleted and the family is marked revoked until the session's end, so an
 * ended session leaves nothing of its user but the revocation mark. That comes first: were the family revoked first
 * and the store to fail after, the record would stay, hidden from `auth.revokeSessions` (which lists live sessions
 * only) and never erased (review, 2026-12-07). Then, whether or not that succeeded, revokes the family with its own
 * lifetime (familyRevocationTTL, which follows the current settings), so reuse detection holds even when the session
 * store fails. Then emits `session.revoked` with `reason`: only once both are stored, so an event never announces an
 * end the store did not record.
 */
export async function endSession(
  ctx: Context,
  record: RefreshTokenRecord,
  client: Client,
  reason: Exclude<SessionEndReason, 'expired' | 'app'>,
  ip: string | undefined,
): Promise<void> {
  const { sessions } = ctx.config;
  const ended = sessions === undefined ? Promise.resolve(undefined) : storeCall('endSession', () => sessions.endSession(record.familyId));
  // Settled first, so the family is revoked even when the session store failed; its failure is then the answer.
  const outcome = await ended.then(
    () => undefined,
    (err: unknown) => ({ err }),
  );
  await revokeFamily(ctx, record.familyId, client, record.authTime);
  if (outcome !== undefined) throw outcome.err;
  ctx.emit('session.revoked', { clientId: client.id, ip, sub: record.sub, sid: record.familyId, reason });
}
