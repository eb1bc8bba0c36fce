// lib/grants/subject-mark.ts
// "Every session of this user ended": a per-user mark that refuses refresh tokens no session record lists (older ones).

import type { Context } from '../context';
import { invalidGrant } from '../errors/oauth-error';
import { storeCall } from '../stores/shared/store-call';
import type { RefreshTokenRecord } from '../stores/shared/store';
import type { Client } from '../types';
import { sha256 } from '../util/crypto';
import { familyRevocationTTL, revokeFamily } from './family';

/** The mark's id, stored as a family revocation mark: hashed, so no user id sits in a store key. */
const markId = (sub: string): string => `subject:${sha256(sub)}`;

/**
 * Called by `revokeSessions` once the user's listed sessions are ended: revokes, as a family mark, the user's
 * families that have no session record (issued before session records existed). A family with a record is ended
 * through it (its own family mark) and never needs this one, so the `except` session, which has a record, is spared.
 */
export function markSubjectRevoked(ctx: Context, sub: string): Promise<void> {
  return storeCall('revokeFamily', () => ctx.config.store.revokeFamily(markId(sub), familyRevocationTTL(ctx)));
}

/**
 * At a refresh, before anything is spent: a family without a session record (its records were written before
 * sessions: `predatesSessions`, set by the store that read them) is refused once `revokeSessions` marked its user;
 * its family is then revoked for good (the mark may end before a per-client longer lifetime does). No store read
 * for a login with a session record; one (the mark) for such an old family.
 */
export async function assertFamilyListed(ctx: Context, record: RefreshTokenRecord, client: Client): Promise<void> {
  // Only a login older than session records lacks one: every login since writes its session with its first token.
  if (ctx.config.sessions === undefined || record.predatesSessions !== true) return;
  const id = markId(record.sub);
  const marked = await storeCall('isAccessTokenRevoked', () => ctx.config.store.isAccessTokenRevoked(id, id));
  if (!marked) return;
  await revokeFamily(ctx, record.familyId, client, record.authTime);
  throw invalidGrant("refresh token predates session records and its user's sessions were all revoked");
}
