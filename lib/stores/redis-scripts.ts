// lib/stores/redis-scripts.ts
// The Lua scripts behind RedisStore's atomic operations; each runs as one indivisible step inside Redis.

/**
 * A refresh token lives in a hash: `r` the record JSON as saved (never re-encoded by Lua, whose cjson turns `[]`
 * into `{}`), `f` its family id, and once rotated `s` (spentAt) and `n` (successor id).
 */

/** KEYS: rt:id. ARGV: family-key prefix. Returns nil, or { record, spentAt|false, successorId|false }. */
export const FIND = `
local h = redis.call('HMGET', KEYS[1], 'r', 'f', 's', 'n')
if not h[1] then return nil end
if redis.call('EXISTS', ARGV[1] .. h[2]) == 1 then return nil end
return { h[1], h[3], h[4] }
`;

/**
 * KEYS: rt:previous, rt:next. ARGV: family-key prefix, next record JSON, next family id, next expiresAt (epoch s),
 * now (epoch s), next id. Returns { 'invalid' } | { 'reused', record, spentAt, successorId } | { 'rotated', record }.
 * The family check sits inside the script: a token of a revoked family never rotates, even mid-race.
 */
export const ROTATE = `
local h = redis.call('HMGET', KEYS[1], 'r', 'f', 's', 'n')
if not h[1] then return { 'invalid' } end
if redis.call('EXISTS', ARGV[1] .. h[2]) == 1 then return { 'invalid' } end
if h[3] then return { 'reused', h[1], h[3], h[4] } end
redis.call('HSET', KEYS[1], 's', ARGV[5], 'n', ARGV[6])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'r', ARGV[2], 'f', ARGV[3])
redis.call('EXPIREAT', KEYS[2], ARGV[4])
return { 'rotated', h[1] }
`;

/** KEYS: rt:id. ARGV: record JSON, family id, expiresAt (epoch s). */
export const SAVE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'f', ARGV[2])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 1
`;

/**
 * KEYS: ctr:key. ARGV: window in ms. Adds one; the expiry becomes max(current, now + window).
 * Returns { count, remaining ms }.
 */
export const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local window = tonumber(ARGV[1])
if ttl < window then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return { count, ttl }
`;

/**
 * KEYS: ctr:key. ARGV: max, window in ms. Adds one only while the count is below max (then the expiry becomes
 * max(current, now + window)); a full counter is left untouched. Returns { count, remaining ms, 1 if added else 0 }.
 */
export const HIT_BELOW = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return { count, redis.call('PTTL', KEYS[1]), 0 } end
count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local window = tonumber(ARGV[2])
if ttl < window then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return { count, ttl, 1 }
`;

/** KEYS: ctr:key. Subtracts one from an existing counter (DECR keeps its TTL); one that reaches 0 is deleted. */
export const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count <= 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('DECR', KEYS[1])
`;

/** KEYS: ctr:key. Returns nil or { count, remaining ms } in one round trip. */
export const PEEK = `
local count = redis.call('GET', KEYS[1])
if not count then return nil end
return { tonumber(count), redis.call('PTTL', KEYS[1]) }
`;

/**
 * KEYS: the revocation mark. ARGV: 'EX' ttl | 'EXAT' epoch s, channel, message. Marks, then tells every subscriber
 * (pub/sub) in the same step, so no process can see the broadcast before the mark exists. A mark never shrinks: SET
 * takes either form of expiry, then a longer remaining life the mark had before is put back (EXPIRE GT would say it
 * in one command, but needs Redis 7).
 */
export const REVOKE = `
local before = redis.call('PTTL', KEYS[1])
redis.call('SET', KEYS[1], '1', ARGV[1], ARGV[2])
if before > redis.call('PTTL', KEYS[1]) then redis.call('PEXPIRE', KEYS[1], before) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

export type ScriptName = 'find' | 'rotate' | 'save' | 'hit' | 'hitBelow' | 'release' | 'peek' | 'revoke';

export const SCRIPTS: Readonly<Record<ScriptName, string>> = {
  find: FIND,
  rotate: ROTATE,
  save: SAVE,
  hit: HIT,
  hitBelow: HIT_BELOW,
  release: RELEASE,
  peek: PEEK,
  revoke: REVOKE,
};
