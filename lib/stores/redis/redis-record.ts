// lib/stores/redis/redis-record.ts
// One refresh token as RedisStore keeps it: a Redis string of a short header and the compact record.

import { decodeRecord, encodeRecord, SPEND_LAST } from '../shared/compact-record';
import { RedisStoreError } from './redis-client';
import type { RefreshTokenRecord } from '../shared/store';

/**
 * The value of `<prefix>rt:<id>`: `<spentAt>\n<successorId>\n<familyId>\n<compact>`. An active token's first two
 * lines are empty. `<compact>` is `encodeRecord()` with familyId blanked (the header holds it once, for the scripts'
 * family check) and spentAt and successorId last (SPEND_LAST; the header holds them too); the id is the key. Why a
 * string: the bench's login record cost 640 B as the earlier hash and 280 B as this string (MEMORY USAGE, Redis 7).
 *
 * The line feed is unambiguous: spentAt is a number, JSON.stringify never writes a raw control character, and
 * familyIds and successor ids are the library's own, a randomUUID() (grants/password.ts) and the base64url SHA-256
 * of a token (store.ts). One holding a line feed could split wrongly, so it is refused, never stored.
 *
 * Earlier versions (0.1.0 among them) wrote a hash (`r` the record's JSON, `f` familyId, `s`/`n` once spent);
 * redis-scripts.ts still reads, rotates and revokes those until they expire, and `r` is told apart here by its `{`.
 */
export function encodeValue(record: RefreshTokenRecord): string {
  assertNoLineFeed(record.familyId, 'familyId');
  return `\n\n${record.familyId}\n${encodeRecord({ ...record, familyId: '' }, SPEND_LAST)}`;
}

/** Refuses an id that would be written into a value's header (the successor id of a rotation, a familyId). */
export function assertNoLineFeed(value: string, what: string): void {
  if (value.includes('\n')) throw new RedisStoreError(`redis refresh token ${what} must not contain a line feed`);
}

/**
 * The record of token `id` from what a script returned: a value as `encodeValue()` and the rotation write it, or
 * the `r` field of an older hash with its `s` and `n` fields (Lua gives a missing field as false, ioredis as null).
 */
export function decodeValue(id: string, raw: unknown, spentAt?: unknown, successorId?: unknown): RefreshTokenRecord {
  if (typeof raw !== 'string') throw new RedisStoreError('redis refresh token record is unreadable');
  if (raw.startsWith('{')) return withSpend(JSON.parse(raw) as RefreshTokenRecord, spentAt, successorId);
  const spentEnd = raw.indexOf('\n');
  const successorEnd = raw.indexOf('\n', spentEnd + 1);
  const familyEnd = raw.indexOf('\n', successorEnd + 1);
  if (spentEnd < 0 || successorEnd < 0 || familyEnd < 0) throw new RedisStoreError('redis refresh token record is unreadable');
  const record = { ...decodeRecord(id, raw.slice(familyEnd + 1), SPEND_LAST), familyId: raw.slice(successorEnd + 1, familyEnd) };
  if (spentEnd === 0) return record;
  return withSpend(record, raw.slice(0, spentEnd), raw.slice(spentEnd + 1, successorEnd));
}

function withSpend(record: RefreshTokenRecord, spentAt: unknown, successorId: unknown): RefreshTokenRecord {
  if (spentAt === null || spentAt === undefined || spentAt === false) return record;
  return { ...record, spentAt: Number(spentAt), successorId: typeof successorId === 'string' ? successorId : undefined };
}
