// lib/stores/postgres/postgres-statements.ts
// The SQL behind each PostgresStore method: one statement per step, every expiry judged by the database's now().

import { FORMAT_VERSION, TOKEN_NAMES } from '../shared/record-v1';
import { V0_PLACEHOLDER } from '../shared/sql-record';
import { dataWithDetails, POSTGRES_TEXT } from '../shared/sql-session-details';
import { PG_TABLES } from './postgres-schema';

/** A family's revocation mark must be absent or expired for its refresh tokens to count (t: refresh_tokens). */
const FAMILY_LIVE = (s: string): string => `NOT EXISTS (SELECT 1 FROM ${s}.revocations r WHERE r.key = 'fam:' || t.family_id AND r.expires_at > now())`;

/**
 * Whether a rotation stores its successor (spent: the spent row; touched: the session it touched): only while its
 * session stands, or when it never had one (a login older than session records). A session ended while the rotation
 * waited for its row (the ending statement held it) is not touched, so no successor outlives that end.
 */
const SESSION_KEPT = (s: string): string => `(EXISTS (SELECT 1 FROM touched) OR NOT EXISTS (SELECT 1 FROM ${s}.sessions x WHERE x.id = spent.family_id))`;

/** A second revocation of the same key keeps the later expiry: a shorter one must not un-revoke early (r: the row). */
const LATER = 'GREATEST(r.expires_at, EXCLUDED.expires_at)';

/** A session counts while unexpired and its family unrevoked (s: sessions). */
const SESSION_LIVE = (s: string): string =>
  `s.expires_at > now() AND NOT EXISTS (SELECT 1 FROM ${s}.revocations r WHERE r.key = 'fam:' || s.id AND r.expires_at > now())`;

/** What sessionFromRow() reads of a session row (s). */
const readSession = `s.id, s.format, s.sub, s.client_id, s.created_at, s.last_used_at, s.refresh_token_id, s.data,
  extract(epoch FROM s.expires_at)::float8 AS expires_s`;

/**
 * After a CTE `ended (id, expires_at)` of deleted sessions: revokes each one's family until its end, deletes every
 * refresh token of the family (spent ones included, by the family_id index of step 004), and notifies `channel` once
 * per family in the same transaction (NOTIFY payloads stay under 8000 bytes: a longer id is sent as an empty payload,
 * which listeners read as "flush everything"). A token a rotation holds is skipped, not waited for: that rotation
 * locked it before the session row this statement holds, and waits for it in its own session touch, so waiting here
 * would close a deadlock cycle. The caller's dropFamilies, after the commit, deletes what was skipped.
 */
function endFamilies(s: string, channel: string): string {
  return `, marks AS (
        INSERT INTO ${s}.revocations AS r (key, expires_at) SELECT 'fam:' || id, expires_at FROM ended
        ON CONFLICT (key) DO UPDATE SET expires_at = ${LATER}
      ), dropped AS (
        DELETE FROM ${s}.refresh_tokens WHERE id IN (
          SELECT id FROM ${s}.refresh_tokens WHERE family_id IN (SELECT id FROM ended) FOR UPDATE SKIP LOCKED)
      )
      SELECT id, pg_notify(${channel}, CASE WHEN octet_length(id) <= 7800 THEN json_build_object('kind', 'family', 'id', id)::text ELSE '' END)
      FROM ended`;
}

/**
 * One statement for a login: the user's least recently used sessions beyond $9 (maxPerUser, this one counted) are
 * ended, the session is stored and, with `token`, its first refresh token. All CTEs run on one snapshot, so the
 * sessions counted are those committed before: concurrent logins of one user may each keep $9 - 1 others, and the
 * next login trims the excess. (The index on (sub, last_used_at) makes the count O(sessions of that user).) A session
 * another statement holds (a concurrent login ending it, a rotation touching it) is skipped, not waited for: waiting
 * locked rows in plan order, and concurrent logins of one user at the cap deadlocked (40P01); the next login ends it.
 */
function saveSession(s: string, token: string): string {
  return `WITH ended AS (
        DELETE FROM ${s}.sessions e WHERE e.id IN (
          SELECT l.id FROM ${s}.sessions l WHERE l.id IN (
            SELECT o.id FROM ${s}.sessions o WHERE o.sub = $2 AND o.id <> $1
            ORDER BY o.last_used_at DESC, o.id DESC OFFSET GREATEST($9::int - 1, 0))
          FOR UPDATE SKIP LOCKED)
        RETURNING e.id, e.expires_at
      ), session AS (
        INSERT INTO ${s}.sessions AS c (id, sub, client_id, created_at, last_used_at, expires_at, refresh_token_id, data, format)
        VALUES ($1, $2, $3, $4::float8, $5::float8, to_timestamp($6::float8), $7, $8, ${FORMAT_VERSION})
        ON CONFLICT (id) DO UPDATE SET sub = EXCLUDED.sub, client_id = EXCLUDED.client_id, created_at = EXCLUDED.created_at,
          last_used_at = EXCLUDED.last_used_at, expires_at = EXCLUDED.expires_at, refresh_token_id = EXCLUDED.refresh_token_id,
          data = EXCLUDED.data, format = EXCLUDED.format
      )${token}${endFamilies(s, '$10')}`;
}

/** The statements for one schema. Times in seconds since the epoch are passed as float8 and read back likewise. */
export function postgresStatements(schema: string) {
  const s = `"${schema}"`;
  const tokenColumns = 'id, family_id, expires_at, sub, client_id, auth_time, issued_at, data, format, record';
  /** $n.. as tokenValues() orders them (family, expiresAt, sub, client, authTime, issuedAt, data), after the id. */
  const tokenRow = (id: string, n: number): string =>
    `${id}, $${n}, to_timestamp($${n + 1}::float8), $${n + 2}, $${n + 3}, $${n + 4}::float8, $${n + 5}::float8, $${n + 6}, ${FORMAT_VERSION}, '${V0_PLACEHOLDER}'`;
  const upsertToken = `ON CONFLICT (id) DO UPDATE SET family_id = EXCLUDED.family_id, expires_at = EXCLUDED.expires_at,
    sub = EXCLUDED.sub, client_id = EXCLUDED.client_id, auth_time = EXCLUDED.auth_time, issued_at = EXCLUDED.issued_at,
    data = EXCLUDED.data, format = EXCLUDED.format, record = EXCLUDED.record, spent_at = NULL, successor_id = NULL`;
  /** What recordFromRow() reads of a row (t), spend aside. */
  const readToken = `t.format, t.record, t.data, t.family_id, t.sub, t.client_id, t.auth_time, t.issued_at,
    extract(epoch FROM t.expires_at)::float8 AS expires_s`;
  return {
    /** $1 id, $2.. tokenValues(). An already expired record replaces nothing and is not stored. */
    save: `WITH gone AS (DELETE FROM ${s}.refresh_tokens WHERE id = $1 AND to_timestamp($3::float8) <= now())
      INSERT INTO ${s}.refresh_tokens (${tokenColumns})
      SELECT ${tokenRow('$1', 2)} WHERE to_timestamp($3::float8) > now() ${upsertToken}`,
    /** $1 id. */
    find: `SELECT ${readToken}, t.spent_at, t.successor_id FROM ${s}.refresh_tokens t
      WHERE t.id = $1 AND t.expires_at > now() AND ${FAMILY_LIVE(s)}`,
    /**
     * $1 previous id, $2 now, $3 next id, $4.. tokenValues(next), $11 the session's details (sessionDetailsMembers;
     * NULL leaves them). The UPDATE's `spent_at IS NULL` is re-checked on
     * the newest row version after a concurrent spend commits (READ COMMITTED re-evaluates the WHERE of a row it
     * waited for), so of concurrent rotations exactly one updates a row; the successor is inserted only from that
     * row (RFC 9700 §4.14.2: one successor per refresh token). RETURNING gives the row as it was before the spend
     * (spent_at was NULL). The session is touched in the same statement: no round trip of its own. The successor is
     * stored only under SESSION_KEPT: a session ended while the rotation waited at its touch keeps no successor (the
     * rotation still answers with the spent row: its tokens are refused by the family's mark from then on).
     */
    rotate: `WITH spent AS (
        UPDATE ${s}.refresh_tokens t SET spent_at = $2::float8, successor_id = $3
        WHERE t.id = $1 AND t.spent_at IS NULL AND t.expires_at > now() AND ${FAMILY_LIVE(s)}
        RETURNING ${readToken}
      ), touched AS (
        UPDATE ${s}.sessions SET last_used_at = $2::float8, refresh_token_id = $3,
          data = CASE WHEN $11::text IS NULL THEN data ELSE ${dataWithDetails('data', '$11::text', POSTGRES_TEXT)} END
        WHERE id IN (SELECT family_id FROM spent) RETURNING id
      ), stored AS (
        INSERT INTO ${s}.refresh_tokens (${tokenColumns})
        SELECT ${tokenRow('$3', 4)} FROM spent WHERE ${SESSION_KEPT(s)} ${upsertToken}
      )
      SELECT * FROM spent`,
    /**
     * $1 previous id, $2 now, $3 successor id, $4 client id, $5 idle TTL, $6 absolute TTL (seconds), $7 the session's
     * details (as `rotate`'s $11). `rotate`, but only for a row the refresh grant would rotate as it is (see
     * ConditionalRotationStore): format v1, unspent, unexpired by now() and by $2, family live, issued to $4, its
     * family's end (auth_time + $6) after $2, and `data` naming neither `jkt` (DPoP-bound) nor `predatesSessions` (a
     * login older than session records, under `x`). `data` is written by encodeNamed only (JSON.stringify: keys never
     * escaped), so a text search finds them; one inside an app's claims only sends the grant the long way. No row:
     * nothing changed. The successor is the spent row itself with its new id, issued_at $2, the expiry the grant
     * computes (refreshExpiresAt) and the same `data`: the bytes encodeNamed writes for that record (it reads back and
     * writes again the same JSON), as the grant would hand `rotate`.
     */
    rotateIfCurrent: `WITH spent AS (
        UPDATE ${s}.refresh_tokens t SET spent_at = $2::float8, successor_id = $3
        WHERE t.id = $1 AND t.spent_at IS NULL AND t.expires_at > now() AND t.expires_at > to_timestamp($2::float8)
          AND t.format = ${FORMAT_VERSION} AND t.client_id = $4 AND t.auth_time + $6::float8 > $2::float8
          AND strpos(t.data, '"${TOKEN_NAMES.names.jkt}":') = 0 AND strpos(t.data, '"predatesSessions":') = 0 AND ${FAMILY_LIVE(s)}
        RETURNING ${readToken}
      ), touched AS (
        UPDATE ${s}.sessions SET last_used_at = $2::float8, refresh_token_id = $3,
          data = CASE WHEN $7::text IS NULL THEN data ELSE ${dataWithDetails('data', '$7::text', POSTGRES_TEXT)} END
        WHERE id IN (SELECT family_id FROM spent) RETURNING id
      ), stored AS (
        INSERT INTO ${s}.refresh_tokens (${tokenColumns})
        SELECT $3, family_id, to_timestamp(LEAST($2::float8 + $5::float8, auth_time + $6::float8)), sub, client_id, auth_time,
          $2::float8, data, ${FORMAT_VERSION}, '${V0_PLACEHOLDER}' FROM spent WHERE ${SESSION_KEPT(s)} ${upsertToken}
      )
      SELECT * FROM spent`,
    /** $1.. sessionValues(), $9 maxPerUser, $10 channel. */
    saveSession: saveSession(s, ''),
    /** saveSession, then $11 token id, $12.. tokenValues(token): the login's first refresh token, in the same statement. */
    saveSessionWithToken: saveSession(
      s,
      `, token AS (
        INSERT INTO ${s}.refresh_tokens (${tokenColumns})
        SELECT ${tokenRow('$11', 12)} WHERE to_timestamp($13::float8) > now() ${upsertToken}
      )`,
    ),
    /** $1 id. */
    findSession: `SELECT ${readSession} FROM ${s}.sessions s WHERE s.id = $1 AND ${SESSION_LIVE(s)}`,
    /**
     * $1 sub, $2 before (epoch s, exclusive), $3 limit. One page (sessionPageLength), newest first: the sessions from
     * $2 down to `bound`, inclusive. Of the first $3 + 1 live ones, `bound` is the lowest last_used_at, or, when all
     * $3 + 1 were found, the lowest above the ($3 + 1)th one's (that group is left whole to the next page), unless
     * none is above it (the group starts the page, and is listed whole). Two scans of the (sub, last_used_at) index,
     * each bounded by the page (a group by the per-user cap): `bound` is a scalar subquery, run once (an InitPlan) as
     * the index scan's lower bound. One statement, one snapshot.
     */
    listSessions: `WITH head AS (
        SELECT used, min(used) OVER () AS lo FROM (
          SELECT s.last_used_at AS used FROM ${s}.sessions s WHERE s.sub = $1 AND s.last_used_at < $2::float8 AND ${SESSION_LIVE(s)}
          ORDER BY s.last_used_at DESC LIMIT $3::bigint + 1) first)
      SELECT ${readSession} FROM ${s}.sessions s
      WHERE s.sub = $1 AND s.last_used_at < $2::float8 AND ${SESSION_LIVE(s)} AND s.last_used_at >= (
        SELECT CASE WHEN count(*) > $3::bigint THEN coalesce(min(CASE WHEN used > lo THEN used END), min(lo)) ELSE min(lo) END FROM head)
      ORDER BY s.last_used_at DESC, s.id DESC`,
    /** $1 id, $2 channel. One row back when a session was ended. */
    endSession: `WITH ended AS (DELETE FROM ${s}.sessions WHERE id = $1 RETURNING id, expires_at)${endFamilies(s, '$2')}`,
    /**
     * $1 family ids (text[]). After a statement that ended sessions (endSession, or a login past the per-user cap), in
     * a statement of its own: a rotation that committed while that statement ran wrote its successor outside its
     * snapshot (READ COMMITTED re-reads only the rows it locks), so that successor is deleted here, with a fresh
     * snapshot, and so is a token the ending statement skipped because a rotation held it (endFamilies). A rotation
     * starting later sees the family's mark and writes none.
     */
    dropFamilies: `DELETE FROM ${s}.refresh_tokens WHERE family_id = ANY($1::text[])`,
    /** $1 key, $2 ttl seconds, $3 channel, $4 message. Mark and NOTIFY in one transaction: delivered at commit. */
    revokeFor: `WITH mark AS (
        INSERT INTO ${s}.revocations AS r (key, expires_at) VALUES ($1, now() + $2::float8 * interval '1 second')
        ON CONFLICT (key) DO UPDATE SET expires_at = ${LATER}
      ) SELECT pg_notify($3, $4)`,
    /** $1 key, $2 expiresAt, $3 channel, $4 message. A mark already past its time is not stored; still notified. */
    revokeUntil: `WITH mark AS (
        INSERT INTO ${s}.revocations AS r (key, expires_at)
        SELECT $1, to_timestamp($2::float8) WHERE to_timestamp($2::float8) > now()
        ON CONFLICT (key) DO UPDATE SET expires_at = ${LATER}
      ) SELECT pg_notify($3, $4)`,
    /** $1 jti key [, $2 family key]. */
    revoked1: `SELECT EXISTS (SELECT 1 FROM ${s}.revocations WHERE key = $1 AND expires_at > now()) AS revoked`,
    revoked2: `SELECT EXISTS (SELECT 1 FROM ${s}.revocations WHERE key IN ($1, $2) AND expires_at > now()) AS revoked`,
    /** $1 key, $2 window ms. An expired row starts over at 1; a live one counts on, its expiry max(current, now + window). */
    hit: `INSERT INTO ${s}.counters AS c (key, count, expires_at) VALUES ($1, 1, now() + $2::float8 * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at > now() THEN c.count + 1 ELSE 1 END,
        expires_at = CASE WHEN c.expires_at > now() THEN GREATEST(c.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END
      RETURNING count, extract(epoch FROM expires_at)::float8 AS reset_at`,
    /**
     * $1 key, $2 max, $3 window ms. `hit`, but only while the live count is below max: the conflict's WHERE is
     * re-checked on the newest row version after a concurrent writer commits (READ COMMITTED), so of N concurrent
     * calls exactly max - count add one. No row back: refused, nothing changed (the caller reads the counter).
     */
    hitBelow: `INSERT INTO ${s}.counters AS c (key, count, expires_at) VALUES ($1, 1, now() + $3::float8 * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at > now() THEN c.count + 1 ELSE 1 END,
        expires_at = CASE WHEN c.expires_at > now() THEN GREATEST(c.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END
      WHERE c.expires_at <= now() OR c.count < $2
      RETURNING count, extract(epoch FROM expires_at)::float8 AS reset_at`,
    /** $1 key. One less on a live counter; the caller deletes it when this reaches 0 (dropZero). */
    release: `UPDATE ${s}.counters SET count = count - 1 WHERE key = $1 AND expires_at > now() AND count > 0 RETURNING count`,
    /** $1 key. Re-checked on the row it deletes, so a concurrent hit that raised it again keeps it. */
    dropZero: `DELETE FROM ${s}.counters WHERE key = $1 AND count <= 0`,
    /** $1 key. */
    peek: `SELECT count, extract(epoch FROM expires_at)::float8 AS reset_at FROM ${s}.counters WHERE key = $1 AND expires_at > now()`,
    reset: `DELETE FROM ${s}.counters WHERE key = $1`,
    /** $1 key, $2 ttl seconds. Returns a row when inserted, or when it took over an expired claim. */
    claim: `INSERT INTO ${s}.claims AS c (key, expires_at) VALUES ($1, now() + $2::float8 * interval '1 second')
      ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE c.expires_at <= now()
      RETURNING 1 AS claimed`,
    /** $1 key, $2 value, $3 ttl seconds. */
    put: `INSERT INTO ${s}.one_shot_values (key, value, expires_at) VALUES ($1, $2, now() + $3::float8 * interval '1 second')
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
    /** $1 key. Concurrent DELETEs of one row: one gets it, the others wait and find it gone. */
    take: `DELETE FROM ${s}.one_shot_values WHERE key = $1 RETURNING value, expires_at > now() AS live`,
    /** $1 batch size. Expired rows by the expiry index; rows another sweeper holds are skipped, not waited for. */
    sweep: (table: string): string => {
      const key = PG_TABLES[table];
      return `DELETE FROM ${s}.${table} WHERE ${key} IN (
        SELECT ${key} FROM ${s}.${table} WHERE expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)`;
    },
  };
}

export type PostgresStatements = ReturnType<typeof postgresStatements>;
