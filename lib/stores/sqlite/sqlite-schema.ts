// lib/stores/sqlite/sqlite-schema.ts
// SqliteStore's tables (prefix "epg_" by default): the numbered steps of its schema, and the statements behind each
// method; times in ms (Node clock).

import { SQL_TABLES } from '../shared/sql-sweeper';
import { FORMAT_VERSION } from '../shared/record-v1';
import { tokenColumns, V0_PLACEHOLDER } from '../shared/sql-record';
import type { RefreshTokenRecord } from '../shared/refresh-token-store';
import type { SqliteDatabaseLike } from './sqlite-like';

/** Every table with an `expires_at` column, and its key column (the sweeper deletes expired rows by key). */
export const SQLITE_TABLES = SQL_TABLES;

/** One numbered step of the schema, as shipped in sql/sqlite/<name>.sql for the prefix "epg_". */
export interface SqliteMigration {
  readonly name: string;
  /** The step's DDL for `prefix`, as a file to run once. */
  sql(prefix: string): string;
  /** Runs the step on `db`, skipping what is already there (so `migrate()` may run every step every time). */
  apply(db: SqliteDatabaseLike, prefix: string): void;
}

/** Columns format v1 adds to refresh_tokens (docs/stores.md, "Stored format, v1"), with their types. */
const V1_TOKEN_COLUMNS: readonly (readonly [string, string])[] = [
  ['format', 'INTEGER'],
  ['sub', 'TEXT'],
  ['client_id', 'TEXT'],
  ['auth_time', 'REAL'],
  ['issued_at', 'REAL'],
  ['data', 'TEXT'],
];

/**
 * The steps, oldest first; `migrate()` applies them all, every time. A new step is appended, never an old one
 * edited. WITHOUT ROWID: the text key is the table's own B-tree, no second index.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    name: '001-initial',
    sql: (prefix) => initialSql(prefix),
    apply: (db, prefix) => db.exec(initialSql(prefix)),
  },
  {
    name: '002-format-v1',
    sql: (prefix) =>
      `-- SqliteStore tables "${prefix}*", step 002 (express-password-grant): stored format v1 (docs/stores.md). Run once
-- (ALTER TABLE ... ADD COLUMN fails on a column that exists; store.migrate() checks first and may run any number of times).
${V1_TOKEN_COLUMNS.map(([name, type]) => `ALTER TABLE "${prefix}refresh_tokens" ADD COLUMN ${name} ${type};`).join('\n')}
${sessionsSql(prefix)}`,
    apply: (db, prefix) => {
      db.exec(sessionsSql(prefix));
      const table = `"${prefix}refresh_tokens"`;
      const row = db.prepare(`SELECT group_concat(name, ' ') AS names FROM pragma_table_info(@table)`).get({ table: `${prefix}refresh_tokens` });
      const present = new Set(String((row as { names: string | null } | undefined)?.names ?? '').split(' '));
      for (const [name, type] of V1_TOKEN_COLUMNS) if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
    },
  },
  {
    name: '003-refresh-tokens-by-family',
    sql: (prefix) => byFamilySql(prefix),
    apply: (db, prefix) => db.exec(byFamilySql(prefix)),
  },
];

/** Refresh tokens by family: ending a session deletes every token of its family through it, never by a scan. */
function byFamilySql(prefix: string): string {
  return `-- SqliteStore tables "${prefix}*", step 003 (express-password-grant): refresh tokens by family, so that ending a
-- session deletes every refresh token of it, spent ones included (docs/sessions.md). Idempotent: safe to run again.
CREATE INDEX IF NOT EXISTS "${prefix}refresh_tokens_family_id" ON "${prefix}refresh_tokens" (family_id);
`;
}

function initialSql(prefix: string): string {
  const t = (name: string): string => `"${prefix}${name}"`;
  const expiry = (name: string): string => `CREATE INDEX IF NOT EXISTS "${prefix}${name}_expires_at" ON ${t(name)} (expires_at);`;
  return `-- SqliteStore tables "${prefix}*", step 001 (express-password-grant). Idempotent: safe to run again.
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

/** The sessions table (one per login; by user, most recently used first, through its index): idempotent. */
function sessionsSql(prefix: string): string {
  const t = `"${prefix}sessions"`;
  return `CREATE TABLE IF NOT EXISTS ${t} (
  id TEXT PRIMARY KEY, sub TEXT NOT NULL, client_id TEXT NOT NULL, created_at REAL NOT NULL, last_used_at REAL NOT NULL,
  expires_at INTEGER NOT NULL, refresh_token_id TEXT, format INTEGER NOT NULL, data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "${prefix}sessions_sub_last_used_at" ON ${t} (sub, last_used_at);
CREATE INDEX IF NOT EXISTS "${prefix}sessions_expires_at" ON ${t} (expires_at);
`;
}

/** Applies every step to `db`: what `migrate()` runs (idempotent). */
export function migrateSqlite(db: SqliteDatabaseLike, prefix: string): void {
  for (const migration of SQLITE_MIGRATIONS) migration.apply(db, prefix);
}

/** The statements for one prefix. `@now` is Date.now() of the call; expiries are ms since the epoch. */
export function sqliteStatements(prefix: string) {
  const t = (name: string): string => `"${prefix}${name}"`;
  const familyLive = `NOT EXISTS (SELECT 1 FROM ${t('revocations')} r WHERE r.key = 'fam:' || t.family_id AND r.expires_at > @now)`;
  return {
    /** A v1 row (sqliteTokenParams); `record` holds the placeholder code that wrote v0 rows reads as expired. */
    upsertToken: `INSERT INTO ${t('refresh_tokens')} (id, family_id, expires_at, sub, client_id, auth_time, issued_at, data, format, record, spent_at, successor_id)
      VALUES (@id, @family, @expires, @sub, @client, @auth, @iat, @data, ${FORMAT_VERSION}, '${V0_PLACEHOLDER}', NULL, NULL)
      ON CONFLICT (id) DO UPDATE SET family_id = excluded.family_id, expires_at = excluded.expires_at, sub = excluded.sub,
        client_id = excluded.client_id, auth_time = excluded.auth_time, issued_at = excluded.issued_at, data = excluded.data,
        format = excluded.format, record = excluded.record, spent_at = NULL, successor_id = NULL`,
    deleteToken: `DELETE FROM ${t('refresh_tokens')} WHERE id = @id`,
    find: `SELECT t.format, t.record, t.data, t.family_id, t.sub, t.client_id, t.auth_time, t.issued_at, t.expires_at,
        t.spent_at, t.successor_id FROM ${t('refresh_tokens')} t
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

/** The parameters of `upsertToken` for `record`: its v1 columns, the expiry in ms as the other tables keep it. */
export function sqliteTokenParams(record: RefreshTokenRecord): Record<string, unknown> {
  const c = tokenColumns(record);
  return { id: record.id, family: c.familyId, expires: c.expiresAt * 1000, sub: c.sub, client: c.clientId, auth: c.authTime, iat: c.issuedAt, data: c.data };
}
