-- PostgresStore schema "epg", step 002 (express-password-grant): stored format v1 (docs/stores.md).
-- Needs: ownership of "epg".refresh_tokens (ALTER TABLE) and CREATE on the schema; no function, trigger or extension.
-- Additive and idempotent: adds columns to refresh_tokens, and the sessions table. Rows written before keep format
-- NULL and their compact "record"; v1 rows have format 1, their fields in columns and "data", and '[0]' in "record"
-- (read as expired by the code that wrote format NULL).
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
