// lib/stores/postgres/index.ts
// PostgresStore's public names: what lib/index.ts re-exports from this folder.

export { PostgresStore } from './postgres-store';
export type { PostgresStoreOptions } from './postgres-store';
export type { PgPoolLike, PgClientLike, PgResultLike, PgQueryConfig } from './postgres-like';
