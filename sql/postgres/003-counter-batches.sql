-- PostgresStore schema "epg", step 003 (express-password-grant): counter batches, one round trip each.
-- Idempotent. Needs the right to create functions in the schema (as the tables needed) and plpgsql (there by default).
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:epg'));
CREATE OR REPLACE FUNCTION "epg".counters_hit_below_many(keys text[], maxes bigint[], windows_ms float8[], peeks text[])
  RETURNS TABLE (ord int, n bigint, reset_at float8, added boolean)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $epg$
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
CREATE OR REPLACE FUNCTION "epg".counters_change_many(ops text[], keys text[], windows_ms float8[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $epg$
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
      RAISE EXCEPTION 'counters_change_many: unknown change %', ops[i];
    END CASE;
  END LOOP;
END
$epg$;
COMMIT;
