-- PostgresStore schema "epg", step 004 (express-password-grant): refresh tokens by family, so that ending a
-- session deletes every refresh token of it, spent ones included (docs/sessions.md). Idempotent. Needs: ownership of
-- "epg".refresh_tokens. Building the index blocks writes to that table meanwhile; on a large table build it first,
-- outside a transaction, and this step finds it (if that build fails, drop the invalid index it leaves and retry):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS refresh_tokens_family_id ON "epg".refresh_tokens (family_id);
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('express-password-grant:epg'));
CREATE INDEX IF NOT EXISTS refresh_tokens_family_id ON "epg".refresh_tokens (family_id);
COMMIT;
