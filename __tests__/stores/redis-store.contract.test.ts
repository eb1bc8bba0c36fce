// __tests__/stores/redis-store.contract.test.ts
// The TokenStore conformance kit against RedisStore on the real Redis at REDIS_URL, including two handles (peers).

import type Redis from 'ioredis';
import { RedisStore } from '../../lib';
import { runTokenStoreContract } from '../../lib/testing';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';

const prefix = uniquePrefix('contract');
const clients = new Map<RedisStore, Redis>();

function storeOn(client: Redis): RedisStore {
  const store = new RedisStore({ client, prefix });
  clients.set(store, client);
  return store;
}

describeWithRedis('RedisStore (real Redis)', () => {
  afterAll(async () => {
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  runTokenStoreContract({
    name: 'RedisStore',
    create: () => storeOn(redisClient()),
    // A peer is what a second process holds: its own connection to the same Redis and prefix.
    peer: () => storeOn(redisClient()),
    cleanup: async (store) => {
      await store.close();
      await clients.get(store)?.quit();
      clients.delete(store);
    },
  });
});
