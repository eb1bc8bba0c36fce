// lib/stores/sqlite/sqlite-lock-wait.ts
// Runs SqliteStore's synchronous steps without holding the event loop while another connection holds the lock.

import type { SqliteDatabaseLike } from './sqlite-like';
import { SqlStoreError } from '../shared/sql-store-error';

/**
 * How long one try may wait for the lock inside SQLite (its busy handler sleeps on the main thread). Only while no
 * other call of this store is already waiting: then tries wait 0 ms, so many requests never add up their waits.
 */
const TRY_BUSY_MS = 2;

/** Pauses between tries, off the event loop: from the first, doubling, to the last, until `lockWaitMs` is spent. */
const FIRST_PAUSE_MS = 5;
const LAST_PAUSE_MS = 100;

/** better-sqlite3 puts SQLite's (extended) result code in `code`: SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED. */
function isLockError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/**
 * Tries a step now; while it fails because the database is locked, tries it again after a pause, until `limitMs`
 * have passed, then rejects. Each step must be all-or-nothing (one statement, or one transaction, which better-sqlite3
 * rolls back on a throw), so a failed try changed nothing and may be run again.
 *
 * `busy_timeout` belongs to the app's connection (better-sqlite3 sets 5000 ms by default): each try reads it, sets
 * its own for the step and puts the app's back, a few µs a call in all (3 to 6 µs measured; a store call: 5 to 50).
 */
export class SqliteLockWait {
  /** Calls of this store now waiting for the lock, between their tries. */
  private waiting = 0;

  constructor(
    private readonly db: SqliteDatabaseLike,
    private readonly limitMs: number,
  ) {}

  /** Resolves with what `step` returns; rejects with a SqlStoreError if it fails, or if the lock outlasts the limit. */
  async run<T>(operation: string, step: () => T): Promise<T> {
    const deadline = Date.now() + this.limitMs;
    let counted = false;
    try {
      for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LAST_PAUSE_MS)) {
        try {
          return this.tryOnce(step);
        } catch (err) {
          if (!isLockError(err)) throw new SqlStoreError(`sqlite ${operation} failed`, err);
          const left = deadline - Date.now();
          if (left <= 0) throw new SqlStoreError(`sqlite ${operation} failed: the database stayed locked for lockWaitMs (${this.limitMs} ms)`, err);
          if (!counted) this.waiting += 1;
          counted = true;
          await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
        }
      }
    } finally {
      if (counted) this.waiting -= 1;
    }
  }

  private tryOnce<T>(step: () => T): T {
    // Prepared afresh each time: SQLite evaluates this pragma when it compiles it, so a kept statement goes stale.
    const own = Number((this.db.prepare('PRAGMA busy_timeout').get() as { timeout?: unknown } | undefined)?.timeout);
    const wait = this.waiting > 0 ? 0 : TRY_BUSY_MS;
    const swap = Number.isInteger(own) && own !== wait;
    if (swap) this.db.exec(`PRAGMA busy_timeout = ${wait}`);
    try {
      return step();
    } finally {
      if (swap) this.db.exec(`PRAGMA busy_timeout = ${own}`);
    }
  }
}
