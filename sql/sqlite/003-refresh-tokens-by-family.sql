-- SqliteStore tables "epg_*", step 003 (express-password-grant): refresh tokens by family, so that ending a
-- session deletes every refresh token of it, spent ones included (docs/sessions.md). Idempotent: safe to run again.
CREATE INDEX IF NOT EXISTS "epg_refresh_tokens_family_id" ON "epg_refresh_tokens" (family_id);
