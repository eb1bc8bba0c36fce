// lib/stores/shared/migrate-due.ts
// Whether a store failure says the SQL store's tables are missing or older than the code: `store.migrate()` is due.

import { SqlStoreError } from './sql-store-error';

/**
 * PostgreSQL SQLSTATEs (Appendix A): 3F000 invalid_schema_name (a function called in a schema never created), 42P01
 * undefined_table (the schema or a table is missing), 42703 undefined_column and 42883 undefined_function (a step of
 * a later version is missing).
 */
const PG_STATES = new Set(['3F000', '42P01', '42703', '42883']);

/** SQLite's words for the same, from prepare or run: `no such table: epg_counters`, `table ... has no column named format`. */
const SQLITE_MESSAGE = /^(no such (table|column|function): |table \S+ has no column named )/;

const MAX_DEPTH = 6;

/**
 * The driver's message when `err`'s chain of causes holds a SqlStoreError (PostgresStore, SqliteStore) caused by a
 * missing table, column or function; undefined otherwise (another store's failures are not its to explain).
 */
export function migrateDue(err: unknown): string | undefined {
  let sql = false;
  let cause: unknown = err;
  // Read structurally, not by `instanceof Error`: a driver's error may come from another realm (a native module).
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < MAX_DEPTH; depth++) {
    const { code, message } = cause as { readonly code?: unknown; readonly message?: unknown };
    if (cause instanceof SqlStoreError) sql = true;
    else if (sql && typeof message === 'string' && isSchemaError(code, message)) return message;
    cause = (cause as { readonly cause?: unknown }).cause;
  }
  return undefined;
}

function isSchemaError(code: unknown, message: string): boolean {
  if (typeof code === 'string' && PG_STATES.has(code)) return true;
  return code === 'SQLITE_ERROR' && SQLITE_MESSAGE.test(message);
}
