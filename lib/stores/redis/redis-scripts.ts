// lib/stores/redis/redis-scripts.ts
// The Lua scripts behind RedisStore's atomic operations; each runs as one indivisible step inside Redis.

/**
 * A refresh token is a string (layouts in redis-record.ts): format v1 `v1\n<spentAt>\n<successorId>\n<familyId>\n<named>`,
 * or v0 (7c18849) the same without the `v1\n` prefix and with the compact record last. A hash left by 0.1.0 (`r` the
 * record JSON, `f` familyId, once rotated `s` spentAt and `n` successor id) is still read, rotated and revoked, so
 * tokens issued before an upgrade keep working; new tokens are always v1 strings. Any other `v<n>` prefix (a newer
 * version's, after a rollback) is refused with an error, never parsed as something else.
 * `load` returns nil when the token is missing or its family (`ARGV[1] .. familyId`) is revoked; else the reply
 * fields ({ value, false, false, expiry ms } or { r, s|false, n|false }), whether it is spent, whether it is a hash,
 * and for a string its version prefix and the part from the header's second line feed on (`\n<familyId>\n...`), which
 * the spent form keeps. The expiry (epoch ms) is the key's, by Redis's clock: v1 leaves whole-second expiries out of
 * the value. Plain finds: no patterns.
 */
const LOAD = `
local function load(key, families)
  if redis.call('TYPE', key).ok == 'hash' then
    local h = redis.call('HMGET', key, 'r', 'f', 's', 'n')
    if not h[1] or redis.call('EXISTS', families .. h[2]) == 1 then return nil end
    return { h[1], h[3], h[4] }, h[3] ~= false, true
  end
  local v = redis.call('GET', key)
  if not v then return nil end
  local base = 0
  if string.sub(v, 1, 1) == 'v' then
    if string.sub(v, 1, 3) ~= 'v1\\n' then return error({ err = 'EPG refresh token has an unknown format: ' .. string.sub(v, 1, 3) }) end
    base = 3
  end
  local spent = string.find(v, '\\n', base + 1, true)
  local successor = string.find(v, '\\n', spent + 1, true)
  local family = string.find(v, '\\n', successor + 1, true)
  if redis.call('EXISTS', families .. string.sub(v, successor + 1, family - 1)) == 1 then return nil end
  local time = redis.call('TIME')
  local expiry = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + redis.call('PTTL', key)
  return { v, false, false, expiry }, spent > base + 1, false, string.sub(v, 1, base), string.sub(v, successor)
end
`;

/** KEYS: rt:id. ARGV: family-key prefix. Returns nil, { value, false, false, expiry ms } or { r, spentAt|false, successorId|false }. */
export const FIND = `${LOAD}
return (load(KEYS[1], ARGV[1]))
`;

/**
 * A session's named object (`{"sub":…,…[,"ip":…][,"ua":…][,"x":{…}]}`) with its `ip` and `ua` members replaced by
 * `members` (sessionDetailsMembers, record-v1.ts): the members before the first `"ip":`, `"ua":` or `"x":` that opens
 * a member (searched with the opening brace read as a comma), then `members`, then the `x` member. No JSON parsing:
 * the same bytes encodeNamed writes for the session with those details.
 */
const WITH_DETAILS = `
local function withDetails(named, members)
  local last = #named
  local search = ',' .. string.sub(named, 2)
  local cut = last
  for _, needle in ipairs({ ',"ip":', ',"ua":', ',"x":' }) do
    local at = string.find(search, needle, 1, true)
    if at and at < cut then cut = at end
  end
  local parts = {}
  if cut > 2 then table.insert(parts, string.sub(named, 2, cut - 1)) end
  if members ~= '' then table.insert(parts, members) end
  local x = string.find(search, ',"x":', 1, true)
  if x then table.insert(parts, string.sub(named, x + 1, last - 1)) end
  return '{' .. table.concat(parts, ',') .. '}'
end
`;

/**
 * KEYS: rt:previous, rt:next, sess:family, sub:<user>, rts:family. ARGV: family-key prefix, next value, next expiresAt
 * (epoch s), now (epoch s), next id, family id, '1' to set the session's details ('0' to leave them), their members,
 * token-key prefix, previous id. A rotation also touches the family's session, if any (v1): its lastUsedAt and refreshTokenId
 * header lines, its ip and ua when asked, its score in the user's index, and its list of refresh tokens (next id
 * appended; the list lives as long as the session; one token gone from its head is dropped, so it stays about as
 * long as the family's live tokens), in the same step.
 * Returns { 'invalid' } | { 'reused' | 'rotated', ...fields }, fields as FIND returns them (for `rotated`, as they were
 * before the spend). A spent string keeps its version prefix: v0 tokens stay v0 until they expire.
 * The family check sits inside the script: a token of a revoked family never rotates, even mid-race. The spent
 * token keeps its TTL (KEEPTTL; HSET never touches one), so a replay is recognised until its original expiry.
 */
export const ROTATE = `${LOAD}${WITH_DETAILS}
local found, spent, hash, version, rest = load(KEYS[1], ARGV[1])
if not found then return { 'invalid' } end
table.insert(found, 1, spent and 'reused' or 'rotated')
if spent then return found end
if hash then
  redis.call('HSET', KEYS[1], 's', ARGV[4], 'n', ARGV[5])
else
  redis.call('SET', KEYS[1], version .. ARGV[4] .. '\\n' .. ARGV[5] .. rest, 'KEEPTTL')
end
redis.call('SET', KEYS[2], ARGV[2], 'EXAT', ARGV[3])
local session = redis.call('GET', KEYS[3])
if session and string.sub(session, 1, 3) == 'v1\\n' then
  local used = string.find(session, '\\n', 4, true)
  local token = used and string.find(session, '\\n', used + 1, true)
  if token then
    local named = string.sub(session, token + 1)
    if ARGV[7] == '1' then named = withDetails(named, ARGV[8]) end
    redis.call('SET', KEYS[3], 'v1\\n' .. ARGV[4] .. '\\n' .. ARGV[5] .. '\\n' .. named, 'KEEPTTL')
    redis.call('ZADD', KEYS[4], 'XX', ARGV[4], ARGV[6])
    -- A session saved before its list existed gets one now: the token just spent, then its successor (older spent
    -- tokens of such a session are listed nowhere: they stay until their own expiry, hidden by the family's mark).
    if redis.call('RPUSH', KEYS[5], ARGV[5]) == 1 then
      redis.call('LPUSH', KEYS[5], ARGV[10])
      redis.call('PEXPIRE', KEYS[5], redis.call('PTTL', KEYS[3]))
    end
    local head = redis.call('LINDEX', KEYS[5], 0)
    if redis.call('EXISTS', ARGV[9] .. head) == 0 then redis.call('LPOP', KEYS[5]) end
  end
end
return found
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
 * in one command, but needs Redis 7). SET with an EXAT already past by Redis's clock deletes the key (PTTL -2), so
 * the earlier mark is written again rather than extended.
 */
export const REVOKE = `
local before = redis.call('PTTL', KEYS[1])
redis.call('SET', KEYS[1], '1', ARGV[1], ARGV[2])
if before > 0 and before > redis.call('PTTL', KEYS[1]) then redis.call('SET', KEYS[1], '1', 'PX', before) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

/** The clock of Redis in ms, for expiries computed inside a script. */
const NOW_MS = `
local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

/**
 * Ends session `id` (its key `sessions .. id`) inside a script: deletes it, its current refresh token (`tokens ..` the
 * id in its header) and every refresh token its list (`lists .. id`) names, spent ones included, then the list;
 * revokes its family (`families .. id`) until the session's end (a mark never shrinks), and publishes the revocation.
 * O(refresh tokens of the family). The user's index keeps a stale member, dropped by the next list or save. Returns
 * true when there was a session.
 */
const END = `
local function endSession(id, sessions, families, channel, tokens, lists)
  local key = sessions .. id
  local left = redis.call('PTTL', key)
  if left < 0 then return false end
  local v = redis.call('GET', key)
  local used = string.sub(v, 1, 3) == 'v1\\n' and string.find(v, '\\n', 4, true)
  local token = used and string.find(v, '\\n', used + 1, true)
  if token and token > used + 1 then redis.call('DEL', tokens .. string.sub(v, used + 1, token - 1)) end
  local list = lists .. id
  for _, member in ipairs(redis.call('LRANGE', list, 0, -1)) do redis.call('DEL', tokens .. member) end
  redis.call('DEL', list, key)
  local mark = families .. id
  if redis.call('PTTL', mark) < left then redis.call('SET', mark, '1', 'PX', left) end
  redis.call('PUBLISH', channel, cjson.encode({ kind = 'family', id = id }))
  return true
end
`;

/**
 * KEYS: sess:id, sub:<user>, rt:first token (or the session key again when none), rts:id. ARGV: session value,
 * session EXAT, lastUsedAt (score), id, maxPerUser, session-key prefix, family-key prefix, channel, token value ('' for
 * none), token EXAT, token-key prefix, token id, list-key prefix. Stores the session and its first token (the first
 * entry of the session's list of refresh tokens, which lives as long as the session), indexes it by user (the index
 * lives as long as its longest session), then ends the user's least recently used sessions beyond maxPerUser.
 * Returns the ids it ended.
 */
export const SAVE_SESSION = `${NOW_MS}${END}
redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
if ARGV[9] ~= '' then
  redis.call('SET', KEYS[3], ARGV[9], 'EXAT', ARGV[10])
  redis.call('RPUSH', KEYS[4], ARGV[12])
  redis.call('EXPIREAT', KEYS[4], ARGV[2])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local untilMs = tonumber(ARGV[2]) * 1000
local left = redis.call('PTTL', KEYS[2])
if left < 0 or nowMs() + left < untilMs then redis.call('PEXPIREAT', KEYS[2], untilMs) end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
local ended = {}
if excess > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, excess)) do
    if excess > 0 and id ~= ARGV[4] then
      redis.call('ZREM', KEYS[2], id)
      if endSession(id, ARGV[6], ARGV[7], ARGV[8], ARGV[11], ARGV[13]) then table.insert(ended, id) end
      excess = excess - 1
    end
  end
end
return ended
`;

/** KEYS: sess:id. ARGV: family-key prefix, id. Returns nil (missing, or its family revoked) or { value, expiry ms }. */
export const FIND_SESSION = `${NOW_MS}
local v = redis.call('GET', KEYS[1])
if not v or redis.call('EXISTS', ARGV[1] .. ARGV[2]) == 1 then return nil end
return { v, nowMs() + redis.call('PTTL', KEYS[1]) }
`;

/**
 * KEYS: sub:<user>. ARGV: session-key prefix, family-key prefix, before (epoch s, exclusive; 'inf' for none), limit.
 * One page of the user's sessions by score (lastUsedAt) descending, equal scores by id descending (the set's order):
 * { id, value, expiry ms, ... }. Members whose session is gone are dropped from the index, revoked ones skipped.
 * A page never ends inside a group of equal scores (sessionPageLength): past `limit`, a live session of the last
 * one's score either joins the page (the group started it) or takes that group off the page (a newer one started
 * it); the first lower score ends it. O(sessions of that user).
 */
export const LIST_SESSIONS = `${NOW_MS}
local top = ARGV[3] == 'inf' and '+inf' or '(' .. ARGV[3]
local out, used = {}, {}
local limit = tonumber(ARGV[4])
local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], top, '-inf', 'WITHSCORES')
for i = 1, #members, 2 do
  local id, score = members[i], tonumber(members[i + 1])
  if #used >= limit and score ~= used[#used] then break end
  local key = ARGV[1] .. id
  local v = redis.call('GET', key)
  if not v then
    redis.call('ZREM', KEYS[1], id)
  elseif redis.call('EXISTS', ARGV[2] .. id) == 0 then
    if #used >= limit and score ~= used[1] then
      while used[#used] == score do
        table.remove(used)
        for _ = 1, 3 do table.remove(out) end
      end
      break
    end
    table.insert(used, score)
    table.insert(out, id)
    table.insert(out, v)
    table.insert(out, nowMs() + redis.call('PTTL', key))
  end
end
return out
`;

/**
 * KEYS: sess:id, rts:id. ARGV: session-key prefix, family-key prefix, channel, id, token-key prefix, list-key prefix.
 * Returns 1 when a session was ended.
 */
export const END_SESSION = `${END}
return endSession(ARGV[4], ARGV[1], ARGV[2], ARGV[3], ARGV[5], ARGV[6]) and 1 or 0
`;

export type ScriptName = 'find' | 'rotate' | 'hit' | 'hitBelow' | 'release' | 'peek' | 'revoke' | 'saveSession' | 'findSession' | 'listSessions' | 'endSession';

export const SCRIPTS: Readonly<Record<ScriptName, string>> = {
  find: FIND,
  rotate: ROTATE,
  hit: HIT,
  hitBelow: HIT_BELOW,
  release: RELEASE,
  peek: PEEK,
  revoke: REVOKE,
  saveSession: SAVE_SESSION,
  findSession: FIND_SESSION,
  listSessions: LIST_SESSIONS,
  endSession: END_SESSION,
};
