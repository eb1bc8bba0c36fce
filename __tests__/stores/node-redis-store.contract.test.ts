// __tests__/stores/node-redis-store.contract.test.ts
// RedisStore on node-redis clients (the `redis` package) instead of ioredis: the whole conformance kit, with peers
// on their own connections, against the real Redis at REDIS_URL.

import { createClient } from 'redis';
import { RedisStore } from '../../lib';
import { runTokenStoreContract } from '../../lib/testing';
import { deletePrefix, describeWithRedis, redisClient, REDIS_URL, uniquePrefix } from '../helpers/redis';

const prefix = uniquePrefix('contract-node-redis');
const clients = new Map<RedisStore, { quit(): Promise<unknown> }>();

async function storeOnNewClient(): Promise<RedisStore> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined); // reconnects by itself; the store reports failures per call
  await client.connect();
  const store = new RedisStore({ client, prefix });
  clients.set(store, client);
  return store;
}

describeWithRedis('RedisStore over node-redis (real Redis)', () => {
  afterAll(async () => {
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  runTokenStoreContract({
    name: 'RedisStore (node-redis)',
    create: storeOnNewClient,
    peer: storeOnNewClient,
    cleanup: async (store) => {
      await store.close();
      await clients.get(store)?.quit();
      clients.delete(store);
    },
  });
});
