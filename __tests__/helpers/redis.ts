// __tests__/helpers/redis.ts
// Real Redis for tests: REDIS_URL decides whether Redis suites run; each run gets its own key prefix.

import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import { RedisStore, type RedisStoreOptions } from '../../lib';
import { runSessionStoreContract, runTokenStoreContract } from '../../lib/testing';

export const REDIS_URL = process.env.REDIS_URL;

/** `describe` when REDIS_URL is set; otherwise `describe.skip`, saying which suite was skipped and why. */
export function describeWithRedis(name: string, body: () => void): void {
  if (REDIS_URL) {
    describe(name, body);
    return;
  }
  // Straight to stderr: jest drops the console output of suites whose tests are all skipped.
  process.stderr.write(`SKIPPED "${name}": REDIS_URL is not set (set REDIS_URL=redis://127.0.0.1:6379 to run it; .ci/run does)\n`);
  describe.skip(name, body);
}

/** A key prefix no other test run shares. */
export function uniquePrefix(label: string): string {
  return `epg-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** A client of the shared test Redis (REDIS_URL). */
export function redisClient(options: RedisOptions = {}): Redis {
  return new Redis(REDIS_URL as string, { lazyConnect: false, ...options });
}

/** Deletes every key under `prefix` (SCAN, never KEYS) so test runs leave nothing behind. */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A connection to hand RedisStore, and how the test closes it afterwards. */
export interface ContractConnection {
  readonly client: RedisStoreOptions['client'];
  quit(): Promise<unknown>;
}

/**
 * The TokenStore and SessionStore conformance kits on RedisStores under `prefix`, each store (and each peer, as a second process
 * would) on its own connection from `connect`; every store is closed, then its connection quit.
 */
export function runRedisStoreContract(name: string, prefix: string, connect: () => Promise<ContractConnection>): void {
  const quits = new Map<RedisStore, () => Promise<unknown>>();
  const storeOnNewConnection = async (): Promise<RedisStore> => {
    const connection = await connect();
    const store = new RedisStore({ client: connection.client, prefix });
    quits.set(store, () => connection.quit());
    return store;
  };
  const options = {
    name,
    create: storeOnNewConnection,
    peer: storeOnNewConnection,
    cleanup: async (store: RedisStore) => {
      await store.close();
      await quits.get(store)?.();
      quits.delete(store);
    },
  };
  runTokenStoreContract(options);
  runSessionStoreContract(options);
}
