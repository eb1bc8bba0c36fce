// lib/stores/redis/index.ts
// RedisStore's public names: what lib/index.ts re-exports from this folder.

export { RedisStore } from './redis-store';
export { RedisStoreError } from './redis-client';
export type { RedisStoreOptions } from './redis-store';
export type { RedisClientLike, RedisSubscriberLike, RedisArg } from './redis-client';
export type { NodeRedisClientLike } from './node-redis';
