// __tests__/throttle/bounded-state.test.ts
// Issue 10 item 3: the throttle state an unauthenticated caller can create is bounded. Unknown client ids count in
// one bucket per IP; MemoryStore caps counters and replay markers and never evicts refresh tokens or revocations.

import request from 'supertest';
import { MemoryStore } from '../../lib';
import { createServer, form, type TestServer } from '../helpers/server';
import { deletePrefix, REDIS_URL, redisClient, uniquePrefix } from '../helpers/redis';
import { RedisStore } from '../../lib';

const unknownClient = (s: TestServer, i: number, ip = '203.0.113.9') =>
  request(s.app).post('/oauth2/token').set('X-Forwarded-For', ip).type('form')
    .send(form({ grant_type: 'password', client_id: `invented-${i}`, username: 'alice', password: 'x' }));

it('2,000 invented client ids from one IP leave a handful of store entries, not two per request', async () => {
  const store = new MemoryStore();
  const s = await createServer({ store, throttle: { clientIp: { max: 1_000_000 } } }); // no lock: every request counted
  s.app.set('trust proxy', true);
  for (let i = 0; i < 2000; i += 100) {
    const batch = await Promise.all(Array.from({ length: 100 }, (_, j) => unknownClient(s, i + j)));
    expect(batch.every((r) => r.status === 401)).toBe(true);
  }
  expect(store.size).toBeLessThanOrEqual(4);
  await store.close();
});

(REDIS_URL ? it : it.skip)('on Redis too: invented client ids from one IP create one counter, whatever the ids', async () => {
  const client = redisClient();
  const prefix = uniquePrefix('bounded');
  try {
    const s = await createServer({ store: new RedisStore({ client, prefix }), throttle: { clientIp: { max: 1_000_000 } } });
    s.app.set('trust proxy', true);
    for (let i = 0; i < 300; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => unknownClient(s, i + j)));
    const [, keys] = await client.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    expect(keys.length).toBeLessThanOrEqual(4);
  } finally {
    await deletePrefix(client, prefix);
    await client.quit();
  }
});

it('MemoryStore keeps at most maxEntries counters under 1,000 distinct failed logins, and keeps every refresh token and revocation', async () => {
  const store = new MemoryStore({ maxEntries: 200 });
  const s = await createServer({ store });
  s.app.set('trust proxy', true);
  const login = (username: string, password: string, ip: string) =>
    request(s.app).post('/oauth2/token').set('X-Forwarded-For', ip).type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username, password }));
  const first = await login('bob', 'hunter2', '192.0.2.1');
  const second = await login('bob', 'hunter2', '192.0.2.1');
  expect([first.status, second.status]).toEqual([200, 200]);
  const revoked = await request(s.app).post('/oauth2/revoke').type('form')
    .send(form({ client_id: 'cli', token: second.body.access_token, token_type_hint: 'access_token' }));
  expect(revoked.status).toBe(200);

  for (let i = 0; i < 1000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => login(`user${i + j}@example.com`, 'Password1', `198.51.${(i + j) >> 8}.${(i + j) & 255}`)));
  }
  // 200 counters at most, plus 2 refresh tokens and 1 revocation mark (a failed login writes 4 counters: 4,000 without a cap).
  expect(store.size).toBeLessThanOrEqual(203);
  expect(store.size).toBeGreaterThanOrEqual(103);
  const refreshed = await request(s.app).post('/oauth2/token').type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: first.body.refresh_token }));
  expect(refreshed.status).toBe(200);
  const me = await request(s.app).get('/api/orders').set('Authorization', `Bearer ${second.body.access_token}`);
  expect(me.status).toBe(401);
  await store.close();
});
