// lib/stores/postgres/postgres-schema.ts
// PostgresStore's tables, as the DDL `store.migrate()` runs and sql/postgres-schema.sql ships (schema "epg").

/** Every table with an `expires_at` column, and its key column (the sweeper deletes expired rows by key). */
export const PG_TABLES: Readonly<Record<string, string>> = {
  refresh_tokens: 'id',
  revocations: 'key',
  counters: 'key',
  claims: 'key',
  one_shot_values: 'key',
};

/**
 * The schema, idempotent (IF NOT EXISTS) and serialised by an advisory lock so that instances starting together
 * can all call `migrate()`. Keys are `COLLATE "C"` (byte order: cheaper than a locale and ids are ASCII anyway).
 * Every table has an index on `expires_at` for the sweeper; reads go by primary key and filter on expiry.
 */
export function postgresSchemaSql(schema: string): string {
  const s = `"${schema}"`;
  return `-- PostgresStore schema "${schema}" (express-password-grant). Idempotent: safe to run again.
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:${schema}'));
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
}
