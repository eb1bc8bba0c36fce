// __tests__/stores/redis/redis-cluster.test.ts
// RedisStore on a real Redis Cluster (three private redis-servers in cluster mode) through an ioredis Cluster
// client: the whole conformance kit, with the prefix's hash tag keeping every key in one slot.

import Redis from 'ioredis';
import { createCluster } from 'redis';
import { RedisStore } from '../../../lib';
import { describeWithRedis, runRedisStoreContract, uniquePrefix } from '../../helpers/redis';
import { PrivateCluster } from '../../helpers/redis-server';

describe('RedisStore refuses a cluster setup that cannot work', () => {
  it('asks for a hash tag in the prefix of an ioredis Cluster (the scripts touch several keys)', async () => {
    const cluster = new Redis.Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(() => new RedisStore({ client: cluster, prefix: 'shop:auth:' })).toThrow(
      "RedisStore: on a Redis Cluster the prefix needs a hash tag so all keys share a slot, e.g. '{shop:auth}:'",
    );
    expect(() => new RedisStore({ client: cluster })).toThrow(/e\.g\. '\{epg\}:'/);
    expect(() => new RedisStore({ client: cluster, prefix: '{}:' })).toThrow(/hash tag/);
    expect(() => new RedisStore({ client: cluster, prefix: '{shop}:auth:' })).not.toThrow();
    await cluster.quit().catch(() => undefined);
  });

  it('refuses node-redis cluster clients, whose commands need a routing key', () => {
    const cluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] });
    expect(() => new RedisStore({ client: cluster as never })).toThrow(/node-redis cluster clients are not supported/);
  });
});

describeWithRedis('RedisStore on a Redis Cluster (three private nodes)', () => {
  let nodes: PrivateCluster;

  beforeAll(async () => {
    nodes = await PrivateCluster.launch();
  }, 30_000);

  afterAll(async () => {
    await nodes?.stop();
  });

  runRedisStoreContract('RedisStore (Redis Cluster)', `{${uniquePrefix('cluster')}}`, async () => {
    const client = new Redis.Cluster(nodes.startupNodes);
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return { client, quit: () => client.quit() };
  });
});
