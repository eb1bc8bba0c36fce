// lib/stores/sqlite/sqlite-like.ts
// The slice of better-sqlite3 SqliteStore uses, typed structurally: apps need no better-sqlite3 types.

/** A prepared statement (`Database#prepare`); parameters bound by name (`@key`). */
export interface SqliteStatementLike {
  run(params?: Record<string, unknown>): { readonly changes: number };
  get(params?: Record<string, unknown>): unknown;
  all(params?: Record<string, unknown>): unknown[];
}

/** The app's better-sqlite3 `Database` (opened, configured and closed by the app). */
export interface SqliteDatabaseLike {
  prepare(source: string): SqliteStatementLike;
  exec(source: string): unknown;
  /** Wraps `fn` in BEGIN/COMMIT (ROLLBACK on throw). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransactionLike<A, R>;
}

/** What `Database#transaction` returns: called, it runs BEGIN; `immediate` runs BEGIN IMMEDIATE (write lock first). */
export interface SqliteTransactionLike<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}
