// lib/stores/redis/redis-record.ts
// One refresh token as RedisStore keeps it: a Redis string of a version prefix, a short header and the named record.

import { decodeRecord, SPEND_LAST } from '../shared/compact-record';
import { decodeNamed, encodeNamed, type OutsideField } from '../shared/record-v1';
import type { RefreshTokenRecord } from '../shared/refresh-token-store';
import { RedisStoreError } from './redis-client';

/** The header holds these (the scripts read and write them); the key holds the id, and whole-second expiries. */
const HEADER = new Set<OutsideField>(['id', 'familyId', 'spentAt', 'successorId']);

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
  return `${V1}\n\n${record.familyId}\n${encodeNamed(record, HEADER, true)}`;
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
  if (raw.startsWith('{')) return withSpend(JSON.parse(raw) as RefreshTokenRecord, spentAt, successorId);
  const v1 = raw.startsWith(V1);
  if (!v1 && raw.startsWith('v')) throw new RedisStoreError('redis refresh token has a format unknown to this version');
  const base = v1 ? V1.length : 0;
  const spentEnd = raw.indexOf('\n', base);
  const successorEnd = raw.indexOf('\n', spentEnd + 1);
  const familyEnd = raw.indexOf('\n', successorEnd + 1);
  if (spentEnd < 0 || successorEnd < 0 || familyEnd < 0) throw new RedisStoreError('redis refresh token record is unreadable');
  const familyId = raw.slice(successorEnd + 1, familyEnd);
  const body = raw.slice(familyEnd + 1);
  const record = v1 ? v1Record(id, familyId, body, expiryMs) : { ...decodeRecord(id, body, SPEND_LAST), familyId };
  if (spentEnd === base) return record;
  return withSpend(record, raw.slice(base, spentEnd), raw.slice(spentEnd + 1, successorEnd));
}

function v1Record(id: string, familyId: string, body: string, expiryMs: unknown): RefreshTokenRecord {
  let named: Partial<Record<string, unknown>>;
  try {
    named = decodeNamed(body);
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
