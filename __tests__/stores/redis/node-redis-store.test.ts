// __tests__/stores/redis/node-redis-store.test.ts
// RedisStore over a node-redis client, end to end: two instances (each its own node-redis connection) share
// rotation, reuse detection and the revocation broadcast; a closed client fails fast instead of queueing.

import request from 'supertest';
import { createClient } from 'redis';
import { RedisStore } from '../../../lib';
import { eventually } from '../../helpers/eventually';
import { createServer, form, type TestServer } from '../../helpers/server';
import { deletePrefix, describeWithRedis, redisClient, REDIS_URL, uniquePrefix } from '../../helpers/redis';

const prefix = uniquePrefix('node-redis');
const opened: Array<{ store: RedisStore; client: { quit(): Promise<unknown>; isOpen: boolean } }> = [];

async function nodeRedisStore(): Promise<RedisStore> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  const store = new RedisStore({ client, prefix, commandTimeoutMs: 500 });
  opened.push({ store, client });
  return store;
}

const login = (s: TestServer) =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' }));
const refresh = (s: TestServer, token: string) =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: token }));
const orders = (s: TestServer, token: string) => request(s.app).get('/api/orders').set('Authorization', `Bearer ${token}`);

describeWithRedis('RedisStore over node-redis', () => {
  afterAll(async () => {
    for (const { store, client } of opened) {
      await store.close();
      if (client.isOpen) await client.quit();
    }
    const admin = redisClient();
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  it('shares rotation, reuse detection and revocation between two instances', async () => {
    const a = await createServer({ store: await nodeRedisStore() });
    const b = await createServer({ store: await nodeRedisStore() });
    const first = await login(a);
    expect(first.status).toBe(200);
    // A verifies (and caches) its access token; the revocation that follows comes from B, by pub/sub.
    expect((await orders(a, first.body.access_token)).status).toBe(200);
    const rotated = await refresh(b, first.body.refresh_token);
    expect(rotated.status).toBe(200);
    // The spent token presented again, on A: reuse, the family dies everywhere.
    const replay = await refresh(a, first.body.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await refresh(b, rotated.body.refresh_token)).body.error).toBe('invalid_grant');
    // A had cached its access token as valid; the broadcast of the family revocation drops it.
    await eventually(async () => (await orders(a, first.body.access_token)).status === 401, 'A to drop its cached token');
  });

  it('refuses at once, as temporarily_unavailable, once the app has closed its client', async () => {
    const store = await nodeRedisStore();
    const s = await createServer({ store });
    expect((await login(s)).status).toBe(200);
    await opened.at(-1)!.client.quit();
    const res = await login(s);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    // Refused because node-redis says the connection is closed, not left in its offline queue until the timeout.
    const error = s.events.find((e) => e.name === 'error')?.payload as Error & { cause?: Error & { cause?: Error } };
    expect(error.cause?.cause?.message).toMatch(/refused: connection is end$/);
  });
});
