// __tests__/stores/redis/redis-sessions-race.test.ts
// The session races found in PostgresStore (review, 2026-12-07), on RedisStore against the real Redis at REDIS_URL:
// parallel logins of one user at the per-user cap, and endSession racing the rotations of the same session, each
// spread over two stores on their own connections (ioredis, node-redis, and one of each), as two processes would.

import { createClient } from 'redis';
import { RedisStore } from '../../../lib';
import { capRace, endRace, type RaceTarget } from '../../helpers/session-races';
import { deletePrefix, describeWithRedis, redisClient, REDIS_URL, uniquePrefix } from '../../helpers/redis';
import { redisContents } from '../../helpers/store-contents';

type Kind = 'ioredis' | 'node-redis';

describeWithRedis('RedisStore: session races (the PostgresStore review of 2026-12-07, on Redis)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A RedisStore under `prefix` on a new connection of `kind`. */
  async function storeOn(kind: Kind, prefix: string): Promise<RedisStore> {
    if (kind === 'ioredis') {
      const client = redisClient();
      cleanups.push(() => client.quit());
      const store = new RedisStore({ client, prefix });
      cleanups.push(() => store.close());
      return store;
    }
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => undefined); // reconnects by itself; the store reports failures per call
    await client.connect();
    cleanups.push(() => client.quit());
    const store = new RedisStore({ client, prefix });
    cleanups.push(() => store.close());
    return store;
  }

  /** Two stores over one fresh prefix, on connections of `kinds`; its keys read (and removed after) on an ioredis client. */
  async function target(kinds: readonly [Kind, Kind]): Promise<RaceTarget> {
    const prefix = uniquePrefix('sessions-race');
    const admin = redisClient();
    cleanups.push(async () => {
      await deletePrefix(admin, prefix);
      await admin.quit();
    });
    const stores = [await storeOn(kinds[0], prefix), await storeOn(kinds[1], prefix)];
    return {
      stores,
      contents: () => redisContents(admin, prefix),
      // A refresh token, or a session's list of them (rts:), holds its family id.
      isToken: (line) => line.startsWith(`${prefix}rt:`) || line.startsWith(`${prefix}rts:`),
      isSession: (line) => line.startsWith(`${prefix}sess:`),
    };
  }

  const pairs: Array<readonly [Kind, Kind]> = [
    ['ioredis', 'ioredis'],
    ['node-redis', 'node-redis'],
    ['ioredis', 'node-redis'],
  ];

  it.each(pairs)(
    'lets a user at the cap log in 20 at a time, 400 times, over %s and %s: all succeed, the cap holds, ended sessions keep no token',
    async (...kinds) => {
      await capRace(await target(kinds), { maxPerUser: 100, parallel: 20, rounds: 20 });
    },
  );

  it.each(pairs)('ends sessions while they rotate, 200 times, over %s and %s: no error, nothing of the family left, revoked', async (...kinds) => {
    await endRace(await target(kinds), { times: 200, parallel: 10, steps: 6 });
  });
});
