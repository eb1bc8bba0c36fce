// lib/stores/sqlite/sqlite-sessions.ts
// SqliteStore's sessions: saved with their first refresh token in one transaction, found by user through an index,
// touched by rotation, ended (their family revoked, its refresh tokens deleted) by hand or by the per-user cap.

import { FORMAT_VERSION, sessionDetailsMembers } from '../shared/record-v1';
import type { RefreshTokenRecord, SessionDetails } from '../shared/refresh-token-store';
import type { Revocation } from '../shared/revocation-store';
import type { SaveSessionOptions, SessionRecord } from '../shared/session-store';
import { sessionFromRow, sessionValues } from '../shared/sql-record';
import { dataWithDetails, SQLITE_TEXT } from '../shared/sql-session-details';
import type { SqliteDatabaseLike, SqliteStatementLike } from './sqlite-like';

type Row = Record<string, unknown>;

/** The statements for one prefix. Expiries in ms (Node clock), as in every SqliteStore table. */
function statements(prefix: string) {
  const t = (name: string): string => `"${prefix}${name}"`;
  const live = `s.expires_at > @now AND NOT EXISTS (SELECT 1 FROM ${t('revocations')} r WHERE r.key = 'fam:' || s.id AND r.expires_at > @now)`;
  const read = `s.id, s.format, s.sub, s.client_id, s.created_at, s.last_used_at, s.refresh_token_id, s.data, s.expires_at`;
  return {
    upsert: `INSERT INTO ${t('sessions')} (id, sub, client_id, created_at, last_used_at, expires_at, refresh_token_id, data, format)
      VALUES (@id, @sub, @client, @created, @used, @expires, @token, @data, ${FORMAT_VERSION})
      ON CONFLICT (id) DO UPDATE SET sub = excluded.sub, client_id = excluded.client_id, created_at = excluded.created_at,
        last_used_at = excluded.last_used_at, expires_at = excluded.expires_at, refresh_token_id = excluded.refresh_token_id,
        data = excluded.data, format = excluded.format`,
    /** The user's sessions beyond the @keep most recently used, by the (sub, last_used_at) index. */
    excess: `SELECT id FROM ${t('sessions')} WHERE sub = @sub AND id <> @id ORDER BY last_used_at DESC, id DESC LIMIT -1 OFFSET @keep`,
    remove: `DELETE FROM ${t('sessions')} WHERE id = @id RETURNING expires_at`,
    /** Every refresh token of the family, spent ones included, by the family_id index (step 003). */
    dropFamily: `DELETE FROM ${t('refresh_tokens')} WHERE family_id = @id`,
    /** A second revocation keeps the later expiry (as the store's own mark). */
    mark: `INSERT INTO ${t('revocations')} (key, expires_at) VALUES (@key, @expires)
      ON CONFLICT (key) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    /** @details: sessionDetailsMembers() to set the session's ip and userAgent, NULL to leave them. */
    touch: `UPDATE ${t('sessions')} SET last_used_at = @used, refresh_token_id = @token,
      data = CASE WHEN @details IS NULL THEN data ELSE ${dataWithDetails('data', '@details', SQLITE_TEXT)} END WHERE id = @id`,
    find: `SELECT ${read} FROM ${t('sessions')} s WHERE s.id = @id AND ${live}`,
    /**
     * One page (sessionPageLength), newest first: the sessions from @before down to `bound`, inclusive. Of the first
     * @limit + 1 live ones, `bound` is the lowest last_used_at, or, when all @limit + 1 were found, the lowest above the
     * (@limit + 1)th one's (that group is left whole to the next page), unless none is above it (the group starts the
     * page, and is listed whole). Two walks of the (sub, last_used_at) index, each bounded by the page (a group by the
     * per-user cap): `bound` is an uncorrelated scalar subquery, run once, the index walk's lower bound.
     */
    list: `WITH head AS (
        SELECT used, min(used) OVER () AS lo FROM (
          SELECT s.last_used_at AS used FROM ${t('sessions')} s WHERE s.sub = @sub AND s.last_used_at < @before AND ${live}
          ORDER BY s.last_used_at DESC LIMIT @limit + 1))
      SELECT ${read} FROM ${t('sessions')} s
      WHERE s.sub = @sub AND s.last_used_at < @before AND ${live} AND s.last_used_at >= (
        SELECT CASE WHEN count(*) > @limit THEN coalesce(min(CASE WHEN used > lo THEN used END), min(lo)) ELSE min(lo) END FROM head)
      ORDER BY s.last_used_at DESC, s.id DESC`,
  };
}

type Name = keyof ReturnType<typeof statements>;

/**
 * Runs on the store's database, synchronously (better-sqlite3): a save and the cap it enforces are one transaction,
 * nothing of the process interleaves. Revocations of ended sessions are handed to `broadcast` once committed.
 */
export class SqliteSessions {
  private readonly sql: ReturnType<typeof statements>;
  private readonly prepared = new Map<Name, SqliteStatementLike>();
  private readonly saveTx: (session: SessionRecord, options: SaveSessionOptions, saveToken: (record: RefreshTokenRecord) => void) => string[];
  private readonly endTx: (id: string) => boolean;

  constructor(
    private readonly db: SqliteDatabaseLike,
    prefix: string,
    private readonly broadcast: (revocation: Revocation) => void,
  ) {
    this.sql = statements(prefix);
    this.saveTx = db.transaction((session: SessionRecord, options: SaveSessionOptions, saveToken: (record: RefreshTokenRecord) => void) => {
      const [id, sub, client, created, used, expires, token, data] = sessionValues(session);
      this.statement('upsert').run({ id, sub, client, created, used, expires: Number(expires) * 1000, token, data });
      if (options.refreshToken !== undefined) saveToken(options.refreshToken);
      const excess = this.statement('excess').all({ sub, id, keep: Math.max(options.maxPerUser - 1, 0) }) as Row[];
      return excess.filter((row) => this.endNow(String(row.id))).map((row) => String(row.id));
    });
    this.endTx = db.transaction((id: string) => this.endNow(id));
  }

  /** Saves `session` (and its first refresh token, through `saveToken`) and ends the user's sessions beyond the cap. */
  save(session: SessionRecord, options: SaveSessionOptions, saveToken: (record: RefreshTokenRecord) => void): void {
    for (const id of this.saveTx(session, options, saveToken)) this.broadcast({ kind: 'family', id });
  }

  find(id: string): SessionRecord | undefined {
    const row = this.statement('find').get({ id, now: Date.now() }) as Row | undefined;
    return row === undefined ? undefined : toSession(row);
  }

  /** One page (sessionPageLength), `options` checked by the caller (sessionListBounds): a wrong one is a TypeError, not a store failure. */
  list(sub: string, { before, limit }: { before: number; limit: number }): SessionRecord[] {
    // better-sqlite3 binds no Infinity: a bound beyond any epoch second does the same.
    const rows = this.statement('list').all({ sub, before: Number.isFinite(before) ? before : Number.MAX_VALUE, limit, now: Date.now() }) as Row[];
    // Array.from, not rows.map: an array of this realm (the driver's comes from the addon's, which strict deep equality tells apart).
    return Array.from(rows, toSession);
  }

  end(id: string): boolean {
    const ended = this.endTx(id);
    if (ended) this.broadcast({ kind: 'family', id });
    return ended;
  }

  /**
   * In the rotation's transaction: the session of `familyId` was used at `now`, its current token is `tokenId`, and
   * with `details` its ip and userAgent are those of this use.
   */
  touch(familyId: string, now: number, tokenId: string, details: SessionDetails | undefined): void {
    this.statement('touch').run({ id: familyId, used: now, token: tokenId, details: details === undefined ? null : sessionDetailsMembers(details) });
  }

  /**
   * Deletes the session and every refresh token of its family, and revokes its family until the session's end; false
   * when there was none.
   */
  private endNow(id: string): boolean {
    const row = this.statement('remove').get({ id }) as Row | undefined;
    if (row === undefined) return false;
    this.statement('mark').run({ key: `fam:${id}`, expires: Number(row.expires_at) });
    this.statement('dropFamily').run({ id });
    return true;
  }

  /** Prepared on first use, after `migrate()`: a statement on a missing table fails the call, it creates nothing. */
  private statement(name: Name): SqliteStatementLike {
    let statement = this.prepared.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(this.sql[name]);
      this.prepared.set(name, statement);
    }
    return statement;
  }
}

function toSession(row: Row): SessionRecord {
  return sessionFromRow('sqlite', row, Number(row.expires_at) / 1000);
}
