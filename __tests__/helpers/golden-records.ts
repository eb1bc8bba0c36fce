// __tests__/helpers/golden-records.ts
// Fixed records for the stored-format tests, and the exact bytes the code at 7c18849 (format v0) wrote for them:
// literals, never produced by the current code, so a change to either format fails a test.

import type { RefreshTokenRecord, SessionDetails, SessionRecord } from '../../lib';

/** 2100-01-01T00:00:00Z: far enough ahead that no test run sees these records expire. */
export const FAR = 4_102_444_800;
export const AUTH = 1_765_000_000;
export const FAMILY = 'c0ffee00-0000-4000-8000-000000000001';

/** A login's first refresh token, as bench/prefill.js stores them: issuedAt = authTime, a username, three scopes. */
export const LOGIN: RefreshTokenRecord = {
  id: 'golden-login',
  familyId: FAMILY,
  clientId: 'web',
  sub: 'u-1234',
  scope: ['openid', 'profile', 'orders'],
  authTime: AUTH,
  issuedAt: AUTH,
  expiresAt: FAR,
  username: 'user1234@example.com',
};

/** Every optional field, a non-ASCII claim, and a field this version does not know (a newer record's). */
export const FULL = {
  ...LOGIN,
  id: 'golden-full',
  issuedAt: AUTH + 100,
  jkt: 'thumb',
  extraClaims: { tenant: 'ä' },
  note: 'kept',
} as RefreshTokenRecord;

/** LOGIN as 7c18849 wrote it in the SQL stores' `record` column (compact-record.ts, default order). */
export const V0_SQL_RECORD =
  '[4102444800,"c0ffee00-0000-4000-8000-000000000001","web","u-1234",["openid","profile","orders"],1765000000,1765000000,null,null,null,"user1234@example.com"]';

/** LOGIN as 7c18849 wrote it in Redis (redis-record.ts: header, then compact SPEND_LAST with familyId blanked). */
export const V0_REDIS_VALUE =
  '\n\nc0ffee00-0000-4000-8000-000000000001\n[4102444800,"","web","u-1234",["openid","profile","orders"],1765000000,1765000000,"user1234@example.com"]';

/** LOGIN with id `id`, another family and the same fields: for cases that need several v0 rows. */
export function loginAs(id: string, familyId: string): RefreshTokenRecord {
  return { ...LOGIN, id, familyId };
}

/** `V0_SQL_RECORD` / `V0_REDIS_VALUE` with another family id, exactly as 7c18849 would have written it. */
export const v0SqlRecord = (familyId: string): string => V0_SQL_RECORD.replace(FAMILY, familyId);
export const v0RedisValue = (familyId: string): string => V0_REDIS_VALUE.replace(FAMILY, familyId);

export const SESSION_ID = 'c0ffee00-0000-4000-8000-00000000005e';

/** A login's session and its first refresh token (LOGIN's fields, in the session's family). */
export const SESSION_TOKEN: RefreshTokenRecord = { ...LOGIN, id: 'golden-session-token', familyId: SESSION_ID };
export const SESSION: SessionRecord = {
  id: SESSION_ID,
  sub: 'u-1234',
  clientId: 'web',
  scope: ['openid', 'profile', 'orders'],
  createdAt: AUTH,
  lastUsedAt: AUTH,
  expiresAt: FAR,
  refreshTokenId: SESSION_TOKEN.id,
};

/**
 * A rotation's session details, pinned: the named members of a session after `scope` (SQL `data`) or after `created`
 * (Redis) before a rotation, the details it brings, and the members it leaves, exactly. What the store keeps in place
 * of `ip` and `ua` is what encodeNamed writes for them; a newer version's `x` is kept, whatever it holds.
 */
export const DETAILS_CASES: ReadonlyArray<readonly [string, string, SessionDetails, string]> = [
  ['sets both where there were none', '', { ip: '2001:db8::1', userAgent: 'Zoë/1.0' }, ',"ip":"2001:db8::1","ua":"Zoë/1.0"'],
  ['replaces both', ',"ip":"192.0.2.1","ua":"Old/1"', { ip: '2001:db8::1', userAgent: 'New/2' }, ',"ip":"2001:db8::1","ua":"New/2"'],
  ['removes both for empty details', ',"ip":"192.0.2.1","ua":"Old/1"', {}, ''],
  ['sets one and removes the other', ',"ua":"Old/1"', { ip: '192.0.2.7' }, ',"ip":"192.0.2.7"'],
  [
    'keeps x, names inside it included',
    ',"ip":"192.0.2.1","ua":"Old/1","x":{"note":"kept","ip":"inner","y":{"ua":1}}',
    { userAgent: 'New/2' },
    ',"ua":"New/2","x":{"note":"kept","ip":"inner","y":{"ua":1}}',
  ],
  ['keeps x when removing both', ',"x":{"a":1,"ip":"inner"}', {}, ',"x":{"a":1,"ip":"inner"}'],
  [
    'replaces a User-Agent that quotes member names',
    String.raw`,"ua":"A \",\"ip\":\"x\" \\"`,
    { ip: '192.0.2.8', userAgent: 'B ","x":{' },
    String.raw`,"ip":"192.0.2.8","ua":"B \",\"x\":{"`,
  ],
];
