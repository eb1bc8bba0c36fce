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
-- Additive and idempotent. Rows written before keep format NULL and their compact "record"; v1 rows have format 1,
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
COMMIT;
-- PostgresStore schema "epg", step 003 (express-password-grant): counter batches, one round trip each.
-- Idempotent. Needs the right to create functions in the schema (as the tables needed) and plpgsql (there by default).
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:epg'));
CREATE OR REPLACE FUNCTION "epg".epg_hit_below_many(keys text[], maxes bigint[], windows_ms float8[], peeks text[])
  RETURNS TABLE (ord int, n bigint, reset_at float8, added boolean)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $epg$
DECLARE
  i int;
BEGIN
  FOR i IN SELECT u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k COLLATE "C", u.o LOOP
    ord := i;
    INSERT INTO "epg".counters AS t (key, count, expires_at) VALUES (keys[i], 1, now() + windows_ms[i] * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.expires_at > now() THEN t.count + 1 ELSE 1 END,
        expires_at = CASE WHEN t.expires_at > now() THEN GREATEST(t.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END
      WHERE t.expires_at <= now() OR t.count < maxes[i]
      RETURNING t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at;
    added := FOUND;
    IF NOT added THEN
      -- Refused: the counter as it stands (this transaction holds its row lock since the conflict).
      SELECT t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at FROM "epg".counters t WHERE t.key = keys[i] AND t.expires_at > now();
    END IF;
    RETURN NEXT;
  END LOOP;
  added := NULL;
  FOR i IN 1 .. coalesce(cardinality(peeks), 0) LOOP
    ord := coalesce(cardinality(keys), 0) + i;
    SELECT t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at FROM "epg".counters t WHERE t.key = peeks[i] AND t.expires_at > now();
    RETURN NEXT;
  END LOOP;
END
$epg$;
CREATE OR REPLACE FUNCTION "epg".epg_change_many(ops text[], keys text[], windows_ms float8[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $epg$
DECLARE
  i int;
  left_over bigint;
BEGIN
  FOR i IN SELECT u.o FROM unnest(keys) WITH ORDINALITY AS u(k, o) ORDER BY u.k COLLATE "C", u.o LOOP
    CASE ops[i]
    WHEN 'hit' THEN
      INSERT INTO "epg".counters AS t (key, count, expires_at) VALUES (keys[i], 1, now() + windows_ms[i] * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.expires_at > now() THEN t.count + 1 ELSE 1 END,
        expires_at = CASE WHEN t.expires_at > now() THEN GREATEST(t.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END;
    WHEN 'release' THEN
      -- One less on a live counter, its expiry unchanged, never below 0; deleted at 0 (its row is locked by now).
      UPDATE "epg".counters t SET count = t.count - 1 WHERE t.key = keys[i] AND t.expires_at > now() AND t.count > 0
        RETURNING t.count INTO left_over;
      IF FOUND AND left_over <= 0 THEN
        DELETE FROM "epg".counters t WHERE t.key = keys[i] AND t.count <= 0;
      END IF;
    WHEN 'reset' THEN
      DELETE FROM "epg".counters t WHERE t.key = keys[i];
    ELSE
      RAISE EXCEPTION 'epg_change_many: unknown change %', ops[i];
    END CASE;
  END LOOP;
END
$epg$;
COMMIT;
