// lib/stores/postgres/postgres-schema.ts
// PostgresStore's tables: the numbered steps `store.migrate()` runs and sql/postgres/ ships (schema "epg").

import { SQL_TABLES } from '../shared/sql-sweeper';
import { counterFunctionsSql } from './postgres-functions';

/** Every table with an `expires_at` column, and its key column (the sweeper deletes expired rows by key). */
export const PG_TABLES = SQL_TABLES;

/** One numbered step of the schema, as shipped in sql/postgres/<name>.sql for schema "epg". */
export interface PgMigration {
  readonly name: string;
  /** The step's DDL for `schema`: idempotent, additive, in its own transaction under the schema's advisory lock. */
  sql(schema: string): string;
}

/**
 * Serialises migrations of one schema: instances starting together can all call `migrate()`. The lock is held
 * until the step's transaction ends.
 */
const lock = (schema: string): string => `SELECT pg_advisory_xact_lock(hashtext('express-password-grant:${schema}'));`;

/**
 * The steps, oldest first; `migrate()` runs them all, every time (each is idempotent). A new step is appended, never
 * an old one edited: a team that ran 001 by hand runs 002 next. Keys are `COLLATE "C"` (byte order: cheaper than a
 * locale and ids are ASCII anyway). Every table has an index on `expires_at` for the sweeper; reads go by primary
 * key and filter on expiry.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '001-initial',
    sql: (schema) => {
      const s = `"${schema}"`;
      return `-- PostgresStore schema "${schema}", step 001 (express-password-grant). Idempotent: safe to run again.
-- Needs: CREATE on the database (CREATE SCHEMA), or an existing schema of that name the role may create tables in.
BEGIN;
${lock(schema)}
CREATE SCHEMA IF NOT EXISTS ${s};
-- Refresh tokens by SHA-256 id; "record" is the compact encoding of the record as issued, spent_at/successor_id
-- are set once by the rotation that spends it.
CREATE TABLE IF NOT EXISTS ${s}.refresh_tokens (
  id text COLLATE "C" PRIMARY KEY,
  family_id text COLLATE "C" NOT NULL,
  record text NOT NULL,
  spent_at double precision,
  successor_id text COLLATE "C",
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON ${s}.refresh_tokens (expires_at);
-- Revocation marks: 'fam:' || family id (a grant), 'jti:' || jti (one access token).
CREATE TABLE IF NOT EXISTS ${s}.revocations (
  key text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS revocations_expires_at ON ${s}.revocations (expires_at);
-- Throttling counters.
CREATE TABLE IF NOT EXISTS ${s}.counters (
  key text COLLATE "C" PRIMARY KEY,
  count bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS counters_expires_at ON ${s}.counters (expires_at);
-- Replay caches (claimOnce): jti of client assertions, DPoP proofs.
CREATE TABLE IF NOT EXISTS ${s}.claims (
  key text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_expires_at ON ${s}.claims (expires_at);
-- One-shot values (put/take), e.g. MFA step-up contexts.
CREATE TABLE IF NOT EXISTS ${s}.one_shot_values (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS one_shot_values_expires_at ON ${s}.one_shot_values (expires_at);
COMMIT;
`;
    },
  },
  {
    name: '002-format-v1',
    sql: (schema) => {
      const s = `"${schema}"`;
      return `-- PostgresStore schema "${schema}", step 002 (express-password-grant): stored format v1 (docs/stores.md).
-- Needs: ownership of ${s}.refresh_tokens (ALTER TABLE) and CREATE on the schema; no function, trigger or extension.
-- Additive and idempotent: adds columns to refresh_tokens, and the sessions table. Rows written before keep format
-- NULL and their compact "record"; v1 rows have format 1, their fields in columns and "data", and '[0]' in "record"
-- (read as expired by the code that wrote format NULL).
BEGIN;
${lock(schema)}
ALTER TABLE ${s}.refresh_tokens
  ADD COLUMN IF NOT EXISTS format smallint,
  ADD COLUMN IF NOT EXISTS sub text COLLATE "C",
  ADD COLUMN IF NOT EXISTS client_id text COLLATE "C",
  ADD COLUMN IF NOT EXISTS auth_time double precision,
  ADD COLUMN IF NOT EXISTS issued_at double precision,
  ADD COLUMN IF NOT EXISTS data text;
-- Sessions (one per login, with or without a refresh token), found by user: the index serves "this user's sessions,
-- most recently used first" and the per-user cap. id is the login's sid (the refresh-token family).
CREATE TABLE IF NOT EXISTS ${s}.sessions (
  id text COLLATE "C" PRIMARY KEY,
  sub text COLLATE "C" NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  created_at double precision NOT NULL,
  last_used_at double precision NOT NULL,
  expires_at timestamptz NOT NULL,
  refresh_token_id text COLLATE "C",
  format smallint NOT NULL,
  data text NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sub_last_used_at ON ${s}.sessions (sub, last_used_at);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON ${s}.sessions (expires_at);
COMMIT;
`;
    },
  },
  { name: '003-counter-batches', sql: counterFunctionsSql },
  {
    name: '004-refresh-tokens-by-family',
    sql: (schema) => {
      const s = `"${schema}"`;
      return `-- PostgresStore schema "${schema}", step 004 (express-password-grant): refresh tokens by family, so that ending a
-- session deletes every refresh token of it, spent ones included (docs/sessions.md). Idempotent. Needs: ownership of
-- ${s}.refresh_tokens. Building the index blocks writes to that table meanwhile; on a large table build it first,
-- outside a transaction, and this step finds it (if that build fails, drop the invalid index it leaves and retry):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS refresh_tokens_family_id ON ${s}.refresh_tokens (family_id);
BEGIN;
${lock(schema)}
CREATE INDEX IF NOT EXISTS refresh_tokens_family_id ON ${s}.refresh_tokens (family_id);
COMMIT;
`;
    },
  },
];

/** Every step for `schema`, in order: the DDL `store.migrate()` runs. */
export function postgresSchemaSql(schema: string): string {
  return PG_MIGRATIONS.map((migration) => migration.sql(schema)).join('');
}
