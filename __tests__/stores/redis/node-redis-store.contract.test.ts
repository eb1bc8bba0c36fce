// __tests__/stores/redis/node-redis-store.contract.test.ts
// RedisStore on node-redis clients (the `redis` package) instead of ioredis: the whole conformance kit, with peers
// on their own connections, against the real Redis at REDIS_URL.

import { createClient } from 'redis';
import { deletePrefix, describeWithRedis, redisClient, REDIS_URL, runRedisStoreContract, uniquePrefix } from '../../helpers/redis';

const prefix = uniquePrefix('contract-node-redis');

describeWithRedis('RedisStore over node-redis (real Redis)', () => {
  afterAll(async () => {
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  runRedisStoreContract('RedisStore (node-redis)', prefix, async () => {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => undefined); // reconnects by itself; the store reports failures per call
    await client.connect();
    return { client, quit: () => client.quit() };
  });
});
