// lib/stores/postgres/postgres-like.ts
// The slice of node-postgres PostgresStore uses, typed structurally: apps need neither `pg` types nor `@types/pg`.

/** A query result as node-postgres gives it. */
export interface PgResultLike {
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  readonly rowCount?: number | null;
}

/** A statement as node-postgres takes it: with a `name`, prepared once per connection and then only executed. */
export interface PgQueryConfig {
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

/** One connection checked out of the pool (`pg.PoolClient`). */
export interface PgClientLike {
  /** `text` and `values`, or one PgQueryConfig (PostgresStore's statements, unless `preparedStatements` is false). */
  query(query: string | PgQueryConfig, values?: unknown[]): Promise<PgResultLike>;
  /** Back to the pool; with an error (or `true`) the connection is destroyed instead. */
  release(destroy?: Error | boolean): void;
  // `| undefined` as @types/pg writes it: under `exactOptionalPropertyTypes` a bare `payload?: string` refuses pg's client.
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
}

/** The app's `pg.Pool` (its connection settings, timeouts and size are the app's). */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  /** pg-pool sets it once `pool.end()` was called: PostgresStore then releases its LISTEN connection by itself. */
  readonly ending?: boolean;
}
