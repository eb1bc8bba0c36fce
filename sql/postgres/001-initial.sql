-- PostgresStore schema "epg", step 001 (express-password-grant). Idempotent: safe to run again.
-- Needs: CREATE on the database (CREATE SCHEMA), or an existing schema of that name the role may create tables in.
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
