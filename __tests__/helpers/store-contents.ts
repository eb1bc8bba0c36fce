// __tests__/helpers/store-contents.ts
// Everything a store holds, read directly (SQL rows, Redis keys and values, MemoryStore's tables), one line per
// entry: for tests that check what is left of a user, not only what the store's methods still show.

import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { MemoryStore } from '../../lib';
import type { RecordTable } from '../../lib/stores/memory/record-table';
import type { SqliteDatabaseLike } from '../../lib/stores/sqlite/sqlite-like';

/** The tables of the SQL stores (each prefixed or schema-qualified). */
const SQL_TABLES = ['refresh_tokens', 'sessions', 'revocations', 'counters', 'claims', 'one_shot_values'];

const line = (where: string, row: Record<string, unknown>): string => `${where}: ${Object.values(row).map(String).join(' | ')}`;

export function sqliteContents(db: SqliteDatabaseLike, prefix = 'epg_'): string[] {
  return SQL_TABLES.flatMap((table) =>
    (db.prepare(`SELECT * FROM "${prefix}${table}"`).all({}) as Array<Record<string, unknown>>).map((row) => line(table, row)),
  );
}

export async function postgresContents(pool: Pool, schema: string): Promise<string[]> {
  const lines: string[] = [];
  for (const table of SQL_TABLES)
    lines.push(...(await pool.query(`SELECT * FROM "${schema}".${table}`)).rows.map((row: Record<string, unknown>) => line(table, row)));
  return lines;
}

/** Every key under `prefix`, with its whole value whatever its type. */
export async function redisContents(client: Redis, prefix: string): Promise<string[]> {
  const lines: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'string'
          ? await client.get(key)
          : type === 'hash'
            ? JSON.stringify(await client.hgetall(key))
            : type === 'zset'
              ? (await client.zrange(key, '0', '-1', 'WITHSCORES')).join(' ')
              : type === 'list'
                ? (await client.lrange(key, 0, -1)).join(' ')
                : type === 'set'
                  ? (await client.smembers(key)).join(' ')
                  : type;
      lines.push(`${key}: ${value}`);
    }
  } while (cursor !== '0');
  return lines;
}

/**
 * MemoryStore lists nothing of what it holds (its API finds by id, lists by user, and counts: `size`), so this reads
 * its private tables as the SQL helpers read rows: refresh tokens, sessions, and marks and values.
 */
export function memoryContents(store: MemoryStore): string[] {
  const inside = store as unknown as {
    refreshTokens: { table: RecordTable };
    sessions: { byId: Map<string, { value: string }> };
    entries: Map<string, { value: string }>;
  };
  return [
    ...[...inside.refreshTokens.table.entries()].map(([id, value]) => `refresh token ${id}: ${value}`),
    ...[...inside.sessions.byId].map(([id, entry]) => `session ${id}: ${entry.value}`),
    ...[...inside.entries].map(([key, entry]) => `${key}: ${entry.value}`),
  ];
}
