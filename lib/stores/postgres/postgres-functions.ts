// lib/stores/postgres/postgres-functions.ts
// The schema step that installs PostgresStore's counter batches: two plpgsql functions, one round trip per batch.

/** The statements inside both functions, for the counters of schema `s` (quoted); `$k` the key, `$w` the window in ms. */
const hitRow = (
  s: string,
  k: string,
  w: string,
): string => `INSERT INTO ${s}.counters AS t (key, count, expires_at) VALUES (${k}, 1, now() + ${w} * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.expires_at > now() THEN t.count + 1 ELSE 1 END,
        expires_at = CASE WHEN t.expires_at > now() THEN GREATEST(t.expires_at, EXCLUDED.expires_at) ELSE EXCLUDED.expires_at END`;

/** Loops over the indexes of `keys` in key order (ties in the order given): every batch locks rows in one order. */
const inKeyOrder = (keys: string): string => `FOR i IN SELECT u.o FROM unnest(${keys}) WITH ORDINALITY AS u(k, o) ORDER BY u.k COLLATE "C", u.o LOOP`;

/**
 * Step 003 for `schema`. `counters_hit_below_many(keys, maxes, windows_ms, peeks)`: `hitBelow` per key, then `peek` per
 * peek, one row each (ord from 1, hits first; n and reset_at NULL for a missing counter). `counters_change_many(ops, keys,
 * windows_ms)`: `hit`, `release` or `reset` per key. Each step is the single-key statement of postgres-statements.ts,
 * re-checked on the newest row version as there; the call is one transaction, so a batch that fails changed nothing.
 * Its row locks are held until the call ends: taking them in key order (COLLATE "C") means two batches never wait
 * for each other in a cycle. SECURITY INVOKER: the caller's own rights on the tables, nothing more. A pinned
 * search_path (pg_catalog, pg_temp): `unnest`, `cardinality` and `now` are the built-ins even where a role may create
 * a better-matching function in a schema on the caller's path (`public` before PostgreSQL 15; CVE-2018-1058).
 */
export function counterFunctionsSql(schema: string): string {
  const s = `"${schema}"`;
  return `-- PostgresStore schema "${schema}", step 003 (express-password-grant): counter batches, one round trip each.
-- Idempotent. Needs the right to create functions in the schema (as the tables needed) and plpgsql (there by default).
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:${schema}'));
CREATE OR REPLACE FUNCTION ${s}.counters_hit_below_many(keys text[], maxes bigint[], windows_ms float8[], peeks text[])
  RETURNS TABLE (ord int, n bigint, reset_at float8, added boolean)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $epg$
DECLARE
  i int;
BEGIN
  ${inKeyOrder('keys')}
    ord := i;
    ${hitRow(s, 'keys[i]', 'windows_ms[i]')}
      WHERE t.expires_at <= now() OR t.count < maxes[i]
      RETURNING t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at;
    added := FOUND;
    IF NOT added THEN
      -- Refused: the counter as it stands (this transaction holds its row lock since the conflict).
      SELECT t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at FROM ${s}.counters t WHERE t.key = keys[i] AND t.expires_at > now();
    END IF;
    RETURN NEXT;
  END LOOP;
  added := NULL;
  FOR i IN 1 .. coalesce(cardinality(peeks), 0) LOOP
    ord := coalesce(cardinality(keys), 0) + i;
    SELECT t.count, extract(epoch FROM t.expires_at)::float8 INTO n, reset_at FROM ${s}.counters t WHERE t.key = peeks[i] AND t.expires_at > now();
    RETURN NEXT;
  END LOOP;
END
$epg$;
CREATE OR REPLACE FUNCTION ${s}.counters_change_many(ops text[], keys text[], windows_ms float8[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $epg$
DECLARE
  i int;
  left_over bigint;
BEGIN
  ${inKeyOrder('keys')}
    CASE ops[i]
    WHEN 'hit' THEN
      ${hitRow(s, 'keys[i]', 'windows_ms[i]')};
    WHEN 'release' THEN
      -- One less on a live counter, its expiry unchanged, never below 0; deleted at 0 (its row is locked by now).
      UPDATE ${s}.counters t SET count = t.count - 1 WHERE t.key = keys[i] AND t.expires_at > now() AND t.count > 0
        RETURNING t.count INTO left_over;
      IF FOUND AND left_over <= 0 THEN
        DELETE FROM ${s}.counters t WHERE t.key = keys[i] AND t.count <= 0;
      END IF;
    WHEN 'reset' THEN
      DELETE FROM ${s}.counters t WHERE t.key = keys[i];
    ELSE
      RAISE EXCEPTION 'counters_change_many: unknown change %', ops[i];
    END CASE;
  END LOOP;
END
$epg$;
COMMIT;
`;
}
