// lib/stores/sqlite/sqlite-schema.ts
// SqliteStore's tables (prefix "epg_" by default) and the statements behind each method; times in ms (Node clock).

/** Every table with an `expires_at` column, and its key column. */
export const SQLITE_TABLES: Readonly<Record<string, string>> = {
  refresh_tokens: 'id',
  revocations: 'key',
  counters: 'key',
  claims: 'key',
  one_shot_values: 'key',
};

/** The DDL `migrate()` runs: idempotent. WITHOUT ROWID: the text key is the table's own B-tree, no second index. */
export function sqliteSchemaSql(prefix: string): string {
  const t = (name: string): string => `"${prefix}${name}"`;
  const expiry = (name: string): string => `CREATE INDEX IF NOT EXISTS "${prefix}${name}_expires_at" ON ${t(name)} (expires_at);`;
  return `
CREATE TABLE IF NOT EXISTS ${t('refresh_tokens')} (
  id TEXT PRIMARY KEY, family_id TEXT NOT NULL, record TEXT NOT NULL, spent_at REAL, successor_id TEXT, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
${expiry('refresh_tokens')}
CREATE TABLE IF NOT EXISTS ${t('revocations')} (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
${expiry('revocations')}
CREATE TABLE IF NOT EXISTS ${t('counters')} (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
${expiry('counters')}
CREATE TABLE IF NOT EXISTS ${t('claims')} (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
${expiry('claims')}
CREATE TABLE IF NOT EXISTS ${t('one_shot_values')} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
${expiry('one_shot_values')}
`;
}

/** The statements for one prefix. `@now` is Date.now() of the call; expiries are ms since the epoch. */
export function sqliteStatements(prefix: string) {
  const t = (name: string): string => `"${prefix}${name}"`;
  const familyLive = `NOT EXISTS (SELECT 1 FROM ${t('revocations')} r WHERE r.key = 'fam:' || t.family_id AND r.expires_at > @now)`;
  return {
    upsertToken: `INSERT INTO ${t('refresh_tokens')} (id, family_id, record, spent_at, successor_id, expires_at)
      VALUES (@id, @family, @record, NULL, NULL, @expires)
      ON CONFLICT (id) DO UPDATE SET family_id = excluded.family_id, record = excluded.record, spent_at = NULL,
        successor_id = NULL, expires_at = excluded.expires_at`,
    deleteToken: `DELETE FROM ${t('refresh_tokens')} WHERE id = @id`,
    find: `SELECT t.record, t.spent_at, t.successor_id FROM ${t('refresh_tokens')} t
      WHERE t.id = @id AND t.expires_at > @now AND ${familyLive}`,
    spend: `UPDATE ${t('refresh_tokens')} SET spent_at = @spentAt, successor_id = @successor WHERE id = @id AND spent_at IS NULL`,
    /** A second revocation keeps the later expiry (unqualified expires_at is the stored row's). */
    mark: `INSERT INTO ${t('revocations')} (key, expires_at) VALUES (@key, @expires)
      ON CONFLICT (key) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    revoked: `SELECT EXISTS (SELECT 1 FROM ${t('revocations')} WHERE key IN (@jti, @family) AND expires_at > @now) AS revoked`,
    hit: `INSERT INTO ${t('counters')} AS c (key, count, expires_at) VALUES (@key, 1, @now + @window)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at > @now THEN c.count + 1 ELSE 1 END,
        expires_at = CASE WHEN c.expires_at > @now THEN max(c.expires_at, excluded.expires_at) ELSE excluded.expires_at END
      RETURNING count, expires_at`,
    /** `hit` while the live count is below @max; no row back: refused, nothing changed. */
    hitBelow: `INSERT INTO ${t('counters')} AS c (key, count, expires_at) VALUES (@key, 1, @now + @window)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN c.expires_at > @now THEN c.count + 1 ELSE 1 END,
        expires_at = CASE WHEN c.expires_at > @now THEN max(c.expires_at, excluded.expires_at) ELSE excluded.expires_at END
      WHERE c.expires_at <= @now OR c.count < @max
      RETURNING count, expires_at`,
    release: `UPDATE ${t('counters')} SET count = count - 1 WHERE key = @key AND expires_at > @now AND count > 0 RETURNING count`,
    dropZero: `DELETE FROM ${t('counters')} WHERE key = @key AND count <= 0`,
    peek: `SELECT count, expires_at FROM ${t('counters')} WHERE key = @key AND expires_at > @now`,
    reset: `DELETE FROM ${t('counters')} WHERE key = @key`,
    claim: `INSERT INTO ${t('claims')} AS c (key, expires_at) VALUES (@key, @expires)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE c.expires_at <= @now
      RETURNING 1 AS claimed`,
    put: `INSERT INTO ${t('one_shot_values')} (key, value, expires_at) VALUES (@key, @value, @expires)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    take: `DELETE FROM ${t('one_shot_values')} WHERE key = @key RETURNING value, expires_at`,
    sweep: (table: string): string => {
      const key = SQLITE_TABLES[table];
      return `DELETE FROM ${t(table)} WHERE ${key} IN (
        SELECT ${key} FROM ${t(table)} WHERE expires_at <= @now ORDER BY expires_at LIMIT @batch)`;
    },
  };
}

export type SqliteStatementName = Exclude<keyof ReturnType<typeof sqliteStatements>, 'sweep'>;
