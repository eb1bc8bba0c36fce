// __tests__/throttle/bounded-state.test.ts
// Issue 10 item 3: the throttle state an unauthenticated caller can create is bounded. Unknown client ids count in
// one bucket per IP; MemoryStore caps counters and replay markers and never evicts refresh tokens or revocations.
// Issue 19 item 5: the caps are per kind, so a flood of failures or of DPoP proofs never unlocks a guesser.

import request from 'supertest';
import { MemoryStore } from '../../lib';
import { createServer, form, type TestServer } from '../helpers/server';
import { deletePrefix, REDIS_URL, redisClient, uniquePrefix } from '../helpers/redis';
import { dpopKey, proof } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { RedisStore } from '../../lib';

const unknownClient = (s: TestServer, i: number, ip = '203.0.113.9') =>
  request(s.app)
    .post('/oauth2/token')
    .set('X-Forwarded-For', ip)
    .type('form')
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
    request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username, password }));
  const first = await login('bob', 'hunter2', '192.0.2.1');
  const second = await login('bob', 'hunter2', '192.0.2.1');
  expect([first.status, second.status]).toEqual([200, 200]);
  const revoked = await request(s.app)
    .post('/oauth2/revoke')
    .type('form')
    .send(form({ client_id: 'cli', token: second.body.access_token, token_type_hint: 'access_token' }));
  expect(revoked.status).toBe(200);

  for (let i = 0; i < 1000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => login(`user${i + j}@example.com`, 'Password1', `198.51.${(i + j) >> 8}.${(i + j) & 255}`)));
  }
  // 200 counters at most, plus bob's "succeeded here" mark and his place's count of marks (budgeted apart), 2 refresh
  // tokens, their 2 sessions and 1 revocation mark (a failed login writes 4 counters: 4,000 without a cap).
  expect(store.size).toBeLessThanOrEqual(207);
  expect(store.size).toBeGreaterThanOrEqual(103);
  const refreshed = await request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: first.body.refresh_token }));
  expect(refreshed.status).toBe(200);
  const me = await request(s.app).get('/api/orders').set('Authorization', `Bearer ${second.body.access_token}`);
  expect(me.status).toBe(401);
  await store.close();
});

it('a flood of failed logins from many IPs, and of DPoP proofs, leaves a guesser locked out', async () => {
  const store = new MemoryStore({ maxEntries: 40 });
  const s = await createServer({ store });
  s.app.set('trust proxy', true);
  const login = (username: string, password: string, ip: string, dpop?: string) => {
    const req = request(s.app).post('/oauth2/token').set('X-Forwarded-For', ip).type('form');
    return (dpop === undefined ? req : req.set('DPoP', dpop)).send(form({ grant_type: 'password', client_id: 'cli', username, password }));
  };
  const guesser = '192.0.2.66';
  for (let i = 0; i < 5; i++) expect((await login('alice', `guess-${i}`, guesser)).status).toBe(400);
  expect((await login('alice', 'guess-5', guesser)).status).toBe(429);

  // 300 failures, each a new username from a new IP (900 counters), each with a fresh DPoP proof (300 markers).
  const key = dpopKey('ES256');
  for (let i = 0; i < 300; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: 50 }, (_, j) => login(`nobody${i + j}`, 'x', `198.51.${(i + j) >> 8}.${(i + j) & 255}`, proof(key, { htu: TOKEN_URL }))),
    );
    expect(batch.map((r) => r.body.error)).toEqual(Array(50).fill('invalid_grant'));
  }

  // The lock still holds: even the right password is refused before verifyUser, and nothing was logged in.
  const after = await login('alice', 'correct horse', guesser);
  expect(after.status).toBe(429);
  expect(after.body.error).toBe('slow_down');
  expect(s.events.filter((e) => e.name === 'login.succeeded')).toEqual([]);
  await store.close();
});
