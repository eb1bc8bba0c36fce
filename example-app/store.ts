// example-app/store.ts
// The example's token store (refresh tokens, revocations, counters): the one place to choose it.

import { SqliteStore } from 'express-password-grant';
import type { TokenStore } from 'express-password-grant';
import type { SqliteDatabase } from './sqlite';

/**
 * A SqliteStore in the example's own SQLite file (tables prefixed `epg_`, beside the app's users and orders): a
 * restart keeps sessions, revocations and throttles, and nothing needs installing. For several processes, swap in
 * a shared store here (PostgresStore or RedisStore; docs/stores.md) and nothing else changes.
 */
export function createTokenStore(database: SqliteDatabase): TokenStore {
  // On the app's own connection: the store lowers its busy_timeout only around its own statements, and while
  // another process holds the lock it retries off the event loop for up to lockWaitMs (default 2 s), then 503.
  const store = new SqliteStore({ database });
  // better-sqlite3 is synchronous: the tables exist once migrate() returns (unless another process holds the lock:
  // then once it is free). A failure rejects; rethrown on the next tick, it stops the example loudly instead of
  // leaving it to answer every request with 503.
  store.migrate().catch((err: unknown) => {
    process.nextTick(() => {
      throw err;
    });
  });
  return store;
}
