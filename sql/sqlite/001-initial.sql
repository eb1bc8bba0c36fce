-- SqliteStore tables "epg_*", step 001 (express-password-grant). Idempotent: safe to run again.
CREATE TABLE IF NOT EXISTS "epg_refresh_tokens" (
  id TEXT PRIMARY KEY, family_id TEXT NOT NULL, record TEXT NOT NULL, spent_at REAL, successor_id TEXT, expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_refresh_tokens_expires_at" ON "epg_refresh_tokens" (expires_at);
CREATE TABLE IF NOT EXISTS "epg_revocations" (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_revocations_expires_at" ON "epg_revocations" (expires_at);
CREATE TABLE IF NOT EXISTS "epg_counters" (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_counters_expires_at" ON "epg_counters" (expires_at);
CREATE TABLE IF NOT EXISTS "epg_claims" (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_claims_expires_at" ON "epg_claims" (expires_at);
CREATE TABLE IF NOT EXISTS "epg_one_shot_values" (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "epg_one_shot_values_expires_at" ON "epg_one_shot_values" (expires_at);
