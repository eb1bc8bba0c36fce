// __tests__/stores/redis/slow-redis.test.ts
// A Redis that accepts connections but stops answering (SIGSTOP on a private redis-server): the token endpoint and
// requireToken answer 503 temporarily_unavailable within the store's command timeout (1 s here), emit error, and recover.

import request from 'supertest';
import Redis from 'ioredis';
import { RedisStore } from '../../../lib';
import { describeWithRedis, uniquePrefix } from '../../helpers/redis';
import { PrivateRedis } from '../../helpers/redis-server';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../../helpers/server';

describeWithRedis('a hung Redis behind the token endpoint', () => {
  let redis: PrivateRedis;
  let client: Redis;
  let store: RedisStore;
  let s: TestServer;

  beforeAll(async () => {
    redis = await PrivateRedis.launch();
    client = new Redis(redis.url);
    client.on('error', () => undefined);
    store = new RedisStore({ client, prefix: uniquePrefix('slow'), commandTimeoutMs: 1000 });
    s = await createServer({ store });
  });

  afterAll(async () => {
    await store.close();
    client.disconnect();
    await redis.stop();
  });

  const login = (): request.Test =>
    request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders' }));

  it('answers 503 temporarily_unavailable with an error event, fails requireToken closed, then recovers', async () => {
    const ok = await login();
    expect(ok.status).toBe(200);
    redis.pause();
    try {
      const token = await login();
      expect(token.status).toBe(503);
      expect(token.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' });
      expect(token.headers['cache-control']).toBe('no-store');
      const refresh = await request(s.app)
        .post('/oauth2/token')
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(form({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }));
      expect(refresh.status).toBe(503);
      const orders = await request(s.app).get('/api/orders').set('Authorization', `Bearer ${ok.body.access_token}`);
      expect(orders.status).toBe(503);
      const errors = s.events.filter((e) => e.name === 'error').map((e) => e.payload as Error & { detail?: string });
      expect(errors.length).toBeGreaterThanOrEqual(3);
      // The first store call of the request fails (with throttling on, its counter read; otherwise the save).
      expect(errors.map((e) => e.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/^store \w+ failed$/)]));
      expect(JSON.stringify(errors.map((e) => [e.message, e.detail]))).not.toContain(ok.body.refresh_token);
    } finally {
      redis.resume();
    }
    const again = await request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }));
    expect(again.status).toBe(200);
    expect((await login()).status).toBe(200);
  });
});
