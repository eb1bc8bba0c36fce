// __tests__/helpers/session-stores.ts
// A fresh store of each kind that keeps sessions, what it holds (read directly), and how to dispose of it: the
// per-store matrix of session suites.

import { MemoryStore, RedisStore, SqliteStore, type SessionStore, type TokenStore } from '../../lib';
import { DATABASE_URL, dropSchema, migratedStore, uniqueSchema } from './postgres';
import { deletePrefix, REDIS_URL, redisClient, uniquePrefix } from './redis';
import { tempDatabase } from './sqlite';
import { memoryContents, postgresContents, redisContents, sqliteContents } from './store-contents';

export type SessionTokenStore = TokenStore & SessionStore;

/** Makes a fresh store; `contents` lists every entry it holds (store-contents.ts); `done` closes it and removes what it stored. */
export type MakeSessionStore = () => Promise<{ store: SessionTokenStore; contents: () => Promise<string[]>; done: () => Promise<void> }>;

/** MemoryStore and SqliteStore always; PostgresStore and RedisStore where DATABASE_URL / REDIS_URL are set. */
export const SESSION_STORES: ReadonlyArray<readonly [string, MakeSessionStore]> = [
  [
    'MemoryStore',
    async () => {
      const store = new MemoryStore();
      return { store, contents: async () => memoryContents(store), done: () => store.close() };
    },
  ],
  [
    'SqliteStore',
    async () => {
      const { db, remove } = tempDatabase('sessions');
      const store = new SqliteStore({ database: db, sweepIntervalMs: 0 });
      await store.migrate();
      return {
        store,
        contents: async () => sqliteContents(db),
        done: async () => {
          await store.close();
          remove();
        },
      };
    },
  ],
  ...(DATABASE_URL
    ? [
        [
          'PostgresStore',
          async () => {
            const schema = uniqueSchema('sessions');
            const { store, pool, done } = await migratedStore(schema, { sweepIntervalMs: 0 });
            return {
              store,
              contents: () => postgresContents(pool, schema),
              done: async () => {
                await done();
                await dropSchema(schema);
              },
            };
          },
        ] as const satisfies readonly [string, MakeSessionStore],
      ]
    : []),
  ...(REDIS_URL
    ? [
        [
          'RedisStore',
          async () => {
            const client = redisClient();
            const prefix = uniquePrefix('sessions');
            const store = new RedisStore({ client, prefix });
            return {
              store,
              contents: () => redisContents(client, prefix),
              done: async () => {
                await store.close();
                await deletePrefix(client, prefix);
                await client.quit();
              },
            };
          },
        ] as const satisfies readonly [string, MakeSessionStore],
      ]
    : []),
];
