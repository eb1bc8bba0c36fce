// example-app/sqlite.ts
// Opens a better-sqlite3 database, typed with just what db.ts uses (the package ships no TypeScript types).

/** A prepared statement: `get` one row, `all` rows, `run` a write. */
export interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { readonly changes: number; readonly lastInsertRowid: number | bigint };
}

/** A function wrapped in a transaction; `immediate` starts it with BEGIN IMMEDIATE. */
export interface Transaction<T> {
  (): T;
  immediate(): T;
}

export interface SqliteDatabase {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(source: string): unknown;
  transaction<T>(fn: () => T): Transaction<T>;
  close(): void;
}

type SqliteConstructor = new (file: string, options?: { readonly timeout?: number }) => SqliteDatabase;

/** Opens (creating if needed) the SQLite file at `file`. */
export function openSqlite(file: string, options: { readonly timeout?: number } = {}): SqliteDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as SqliteConstructor;
  return new Database(file, options);
}
