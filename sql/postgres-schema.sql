-- PostgresStore schema "epg", step 001 (express-password-grant). Idempotent: safe to run again.
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:epg'));
CREATE SCHEMA IF NOT EXISTS "epg";
-- Refresh tokens by SHA-256 id; "record" is the compact encoding of the record as issued, spent_at/successor_id
-- are set once by the rotation that spends it.
CREATE TABLE IF NOT EXISTS "epg".refresh_tokens (
  id text COLLATE "C" PRIMARY KEY,
  family_id text COLLATE "C" NOT NULL,
  record text NOT NULL,
  spent_at double precision,
  successor_id text COLLATE "C",
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_at ON "epg".refresh_tokens (expires_at);
-- Revocation marks: 'fam:' || family id (a grant), 'jti:' || jti (one access token).
CREATE TABLE IF NOT EXISTS "epg".revocations (
  key text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS revocations_expires_at ON "epg".revocations (expires_at);
-- Throttling counters.
CREATE TABLE IF NOT EXISTS "epg".counters (
  key text COLLATE "C" PRIMARY KEY,
  count bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS counters_expires_at ON "epg".counters (expires_at);
-- Replay caches (claimOnce): jti of client assertions, DPoP proofs.
CREATE TABLE IF NOT EXISTS "epg".claims (
  key text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_expires_at ON "epg".claims (expires_at);
-- One-shot values (put/take), e.g. MFA step-up contexts.
CREATE TABLE IF NOT EXISTS "epg".one_shot_values (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS one_shot_values_expires_at ON "epg".one_shot_values (expires_at);
COMMIT;
-- PostgresStore schema "epg", step 002 (express-password-grant): stored format v1 (docs/stores.md).
-- Additive and idempotent. Adds the sessions table. Rows written before keep format NULL and their compact "record"; v1 rows have format 1,
-- their fields in columns and "data", and '[0]' in "record" (read as expired by the code that wrote format NULL).
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:epg'));
ALTER TABLE "epg".refresh_tokens
  ADD COLUMN IF NOT EXISTS format smallint,
  ADD COLUMN IF NOT EXISTS sub text COLLATE "C",
  ADD COLUMN IF NOT EXISTS client_id text COLLATE "C",
  ADD COLUMN IF NOT EXISTS auth_time double precision,
  ADD COLUMN IF NOT EXISTS issued_at double precision,
  ADD COLUMN IF NOT EXISTS data text;
-- Sessions (one per login, with or without a refresh token), found by user: the index serves "this user's sessions,
-- most recently used first" and the per-user cap. id is the login's sid (the refresh-token family).
CREATE TABLE IF NOT EXISTS "epg".sessions (
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
CREATE INDEX IF NOT EXISTS sessions_sub_last_used_at ON "epg".sessions (sub, last_used_at);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON "epg".sessions (expires_at);
COMMIT;
