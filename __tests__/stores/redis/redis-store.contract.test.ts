// __tests__/stores/redis/redis-store.contract.test.ts
// The TokenStore conformance kit against RedisStore on the real Redis at REDIS_URL, including two handles (peers).

import { deletePrefix, describeWithRedis, redisClient, runRedisStoreContract, uniquePrefix } from '../../helpers/redis';

const prefix = uniquePrefix('contract');

describeWithRedis('RedisStore (real Redis)', () => {
  afterAll(async () => {
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  runRedisStoreContract('RedisStore', prefix, async () => {
    const client = redisClient();
    return { client, quit: () => client.quit() };
  });
});
