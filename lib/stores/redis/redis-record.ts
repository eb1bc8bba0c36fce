// lib/stores/redis/redis-record.ts
// A refresh token and a session as RedisStore keeps them: Redis strings of a version prefix, a short header (what the
// scripts rewrite) and the named fields.

import { decodeRecord, SPEND_LAST } from '../shared/compact-record';
import { decodeNamed, encodeNamed, SESSION_NAMES, TOKEN_NAMES } from '../shared/record-v1';
import type { RefreshTokenRecord } from '../shared/refresh-token-store';
import type { SessionRecord } from '../shared/session-store';
import { RedisStoreError } from './redis-client';

/** The header holds these (the scripts read and write them); the key holds the id, and whole-second expiries. */
const HEADER = new Set<keyof RefreshTokenRecord>(TOKEN_NAMES.header);

/** Format v1's prefix: a `v` never starts a v0 value (a line feed or spentAt's digits) nor a 0.1.0 hash's `r` (`{`). */
const V1 = 'v1\n';

/**
 * The value of `<prefix>rt:<id>`, format v1: `v1\n<spentAt>\n<successorId>\n<familyId>\n<named>`. An active token's
 * spentAt and successorId lines are empty; `<named>` is the record's named fields (record-v1.ts) without the header's,
 * `exp` left out when whole seconds (the key expires then: EXAT). docs/stores.md ("Stored format, v1") is the
 * specification and __tests__/stores/redis/redis-format.test.ts pins its bytes. Budget: the bench's login record
 * takes 280 B of Redis (MEMORY USAGE, Redis 7, its key included), a rotated one 312 B.
 *
 * The line feed is unambiguous: spentAt is a number, JSON.stringify never writes a raw control character, and
 * familyIds and successor ids are the library's own, a randomUUID() (grants/password.ts) and the base64url SHA-256
 * of a token (store.ts). One holding a line feed could split wrongly, so it is refused, never stored.
 *
 * Still read (never written): v0, what 7c18849 wrote, the same header without the prefix and with the compact record
 * (compact-record.ts, SPEND_LAST order, familyId blanked) last; and 0.1.0's hash (`r` the record's JSON, `f`
 * familyId, `s`/`n` once spent), told apart here by its `{`.
 */
export function encodeValue(record: RefreshTokenRecord): string {
  assertNoLineFeed(record.familyId, 'familyId');
  return `${V1}\n\n${record.familyId}\n${encodeNamed(TOKEN_NAMES, record, HEADER, true)}`;
}

/** Refuses an id that would be written into a value's header (the successor id of a rotation, a familyId). */
export function assertNoLineFeed(value: string, what: string): void {
  if (value.includes('\n')) throw new RedisStoreError(`redis refresh token ${what} must not contain a line feed`);
}

/**
 * The record of token `id` from what a script returned: a string value with the key's expiry (epoch ms), or the `r`
 * field of a 0.1.0 hash with its `s` and `n` fields (Lua gives a missing field as false, ioredis as null).
 */
export function decodeValue(id: string, raw: unknown, spentAt?: unknown, successorId?: unknown, expiryMs?: unknown): RefreshTokenRecord {
  if (typeof raw !== 'string') throw new RedisStoreError('redis refresh token record is unreadable');
  if (raw.startsWith('{')) return withSpend({ ...(JSON.parse(raw) as RefreshTokenRecord), predatesSessions: true }, spentAt, successorId);
  const v1 = raw.startsWith(V1);
  if (!v1 && raw.startsWith('v')) throw new RedisStoreError('redis refresh token has a format unknown to this version');
  const base = v1 ? V1.length : 0;
  const spentEnd = raw.indexOf('\n', base);
  const successorEnd = raw.indexOf('\n', spentEnd + 1);
  const familyEnd = raw.indexOf('\n', successorEnd + 1);
  if (spentEnd < 0 || successorEnd < 0 || familyEnd < 0) throw new RedisStoreError('redis refresh token record is unreadable');
  const familyId = raw.slice(successorEnd + 1, familyEnd);
  const body = raw.slice(familyEnd + 1);
  const record = v1 ? v1Record(id, familyId, body, expiryMs) : { ...decodeRecord(id, body, SPEND_LAST), familyId, predatesSessions: true as const };
  if (spentEnd === base) return record;
  return withSpend(record, raw.slice(base, spentEnd), raw.slice(spentEnd + 1, successorEnd));
}

function v1Record(id: string, familyId: string, body: string, expiryMs: unknown): RefreshTokenRecord {
  let named: Partial<Record<string, unknown>>;
  try {
    named = decodeNamed(TOKEN_NAMES, body);
  } catch (err) {
    throw new RedisStoreError('redis refresh token record is unreadable', err);
  }
  // A whole-second expiry is the key's own (SET ... EXAT), read back by the script from Redis's clock.
  const expiresAt = named.expiresAt ?? Math.round(Number(expiryMs) / 1000);
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new RedisStoreError('redis refresh token expiry is unreadable');
  return { ...named, scope: named.scope ?? [], id, familyId, expiresAt } as RefreshTokenRecord;
}

function withSpend(record: RefreshTokenRecord, spentAt: unknown, successorId: unknown): RefreshTokenRecord {
  if (spentAt === null || spentAt === undefined || spentAt === false) return record;
  return { ...record, spentAt: Number(spentAt), successorId: typeof successorId === 'string' ? successorId : undefined };
}

/** The session header: the key holds the id; the scripts rewrite lastUsedAt and refreshTokenId in place. */
const SESSION_HEADER = new Set<keyof SessionRecord>(SESSION_NAMES.header);

/**
 * The value of `<prefix>sess:<id>`, format v1: `v1\n<lastUsedAt>\n<refreshTokenId>\n<named>` (an empty second line
 * when the login issued no refresh token), `<named>` the session's named fields (record-v1.ts) without the header's,
 * `exp` left out when whole seconds (the key's own expiry). Rotation rewrites the two header lines.
 */
export function encodeSessionValue(session: SessionRecord): string {
  assertNoLineFeed(session.refreshTokenId ?? '', 'id');
  return `${V1}${session.lastUsedAt}\n${session.refreshTokenId ?? ''}\n${encodeNamed(SESSION_NAMES, session, SESSION_HEADER, true)}`;
}

/** The session `id` from its value and the key's expiry (epoch ms), as a script returned them. */
export function decodeSessionValue(id: string, raw: unknown, expiryMs: unknown): SessionRecord {
  if (typeof raw !== 'string') throw new RedisStoreError('redis session is unreadable');
  if (!raw.startsWith(V1)) throw new RedisStoreError('redis session has a format unknown to this version');
  const usedEnd = raw.indexOf('\n', V1.length);
  const tokenEnd = raw.indexOf('\n', usedEnd + 1);
  if (usedEnd < 0 || tokenEnd < 0) throw new RedisStoreError('redis session is unreadable');
  let named: Partial<Record<string, unknown>>;
  try {
    named = decodeNamed(SESSION_NAMES, raw.slice(tokenEnd + 1));
  } catch (err) {
    throw new RedisStoreError('redis session is unreadable', err);
  }
  const tokenId = raw.slice(usedEnd + 1, tokenEnd);
  const session = {
    ...named,
    id,
    scope: named.scope ?? [],
    lastUsedAt: Number(raw.slice(V1.length, usedEnd)),
    expiresAt: named.expiresAt ?? Math.round(Number(expiryMs) / 1000),
  } as SessionRecord;
  return tokenId === '' ? session : { ...session, refreshTokenId: tokenId };
}
