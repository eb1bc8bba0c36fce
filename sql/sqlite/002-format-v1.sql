-- SqliteStore tables "epg_*", step 002 (express-password-grant): stored format v1 (docs/stores.md). Run once
-- (ALTER TABLE ... ADD COLUMN fails on a column that exists; store.migrate() checks first and may run any number of times).
ALTER TABLE "epg_refresh_tokens" ADD COLUMN format INTEGER;
ALTER TABLE "epg_refresh_tokens" ADD COLUMN sub TEXT;
ALTER TABLE "epg_refresh_tokens" ADD COLUMN client_id TEXT;
ALTER TABLE "epg_refresh_tokens" ADD COLUMN auth_time REAL;
ALTER TABLE "epg_refresh_tokens" ADD COLUMN issued_at REAL;
ALTER TABLE "epg_refresh_tokens" ADD COLUMN data TEXT;
CREATE TABLE IF NOT EXISTS "epg_sessions" (
  id TEXT PRIMARY KEY, sub TEXT NOT NULL, client_id TEXT NOT NULL, created_at REAL NOT NULL, last_used_at REAL NOT NULL,
  expires_at INTEGER NOT NULL, refresh_token_id TEXT, format INTEGER NOT NULL, data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_sessions_sub_last_used_at" ON "epg_sessions" (sub, last_used_at);
CREATE INDEX IF NOT EXISTS "epg_sessions_expires_at" ON "epg_sessions" (expires_at);
