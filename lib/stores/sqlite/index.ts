// lib/stores/sqlite/index.ts
// SqliteStore's public names: what lib/index.ts re-exports from this folder.

export { SqliteStore } from './sqlite-store';
export type { SqliteStoreOptions } from './sqlite-store';
export type { SqliteDatabaseLike, SqliteStatementLike, SqliteTransactionLike } from './sqlite-like';
