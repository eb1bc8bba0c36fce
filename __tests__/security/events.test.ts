// __tests__/security/events.test.ts
// Audit events: each is emitted where it should be, carrying client id, user id, IP and jti, and never a secret.

import jwt from 'jsonwebtoken';
import request from 'supertest';
import { MemoryStore, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';

const webAuth = basic('web', WEB_SECRET);
const post = (s: TestServer, params: Record<string, string>, auth: string = webAuth) =>
  request(s.app).post('/oauth2/token').set('Authorization', auth).type('form').send(form(params));
const jtiOf = (token: string): string => (jwt.decode(token) as { jti: string }).jti;
const IP = expect.stringMatching(/127\.0\.0\.1/);

it('login.succeeded and token.issued on a password login, with the access token jti', async () => {
  const s = await createServer();
  const res = await post(s, { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid orders' });
  const sid = (jwt.decode(res.body.access_token) as { sid: string }).sid;
  expect(s.events).toEqual([
    { name: 'login.succeeded', payload: { clientId: 'web', ip: IP, userId: 'u-alice', username: 'alice' } },
    {
      name: 'token.issued',
      payload: {
        clientId: 'web',
        ip: IP,
        grantType: 'password',
        userId: 'u-alice',
        jti: jtiOf(res.body.access_token),
        sid,
        scope: ['openid', 'orders'],
        refreshToken: true,
        idToken: true,
      },
    },
  ]);
});

it.each([
  ['unknown_user', 'mallory', 'x'],
  ['bad_password', 'alice', 'x'],
])('login.failed with reason %s (internal only)', async (reason, username, password) => {
  const s = await createServer();
  const res = await post(s, { grant_type: 'password', username, password });
  expect(res.text).not.toContain(reason);
  expect(s.events).toEqual([{ name: 'login.failed', payload: { clientId: 'web', ip: IP, username, reason } }]);
});

it('token.refreshed on rotation, and refresh.reused when a spent token comes back', async () => {
  const s = await createServer();
  const first = await post(s, { grant_type: 'password', username: 'alice', password: 'correct horse' });
  const second = await post(s, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
  const sid = (jwt.decode(first.body.access_token) as { sid: string }).sid;
  expect(s.events.at(-1)).toEqual({
    name: 'token.refreshed',
    payload: { clientId: 'web', ip: IP, userId: 'u-alice', jti: jtiOf(second.body.access_token), sid },
  });
  await post(s, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
  expect(s.events.at(-1)).toEqual({ name: 'refresh.reused', payload: { clientId: 'web', ip: IP, userId: 'u-alice', sid } });
});

it('throttled when a locked bucket refuses a login', async () => {
  const s = await createServer({ throttle: { usernameIp: { max: 1 } } });
  await post(s, { grant_type: 'password', username: 'alice', password: 'x' });
  await post(s, { grant_type: 'password', username: 'alice', password: 'x' });
  const last = s.events.at(-1)!;
  expect(last).toEqual({ name: 'throttled', payload: { clientId: 'web', ip: IP, username: 'alice', key: 'usernameIp', retryAfter: expect.any(Number) } });
  // 30 s, rounded up to whole seconds (never "retry now" too early).
  expect([30, 31]).toContain((last.payload as { retryAfter: number }).retryAfter);
});

it('client.failed on a failed client authentication', async () => {
  const s = await createServer();
  await post(s, { grant_type: 'password', username: 'alice', password: 'x' }, basic('web', 'wrong'));
  expect(s.events).toEqual([{ name: 'client.failed', payload: { ip: IP, error: 'invalid_client', detail: 'wrong client secret' } }]);
});

it('error (with the failing callback as cause) and 500 server_error when findClient throws', async () => {
  const boom = new Error('db down');
  const s = await createServer({
    findClient: () => {
      throw boom;
    },
  });
  const res = await post(s, { grant_type: 'password', username: 'alice', password: 'x' });
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
  const error = s.events.find((e) => e.name === 'error')?.payload as Error & { detail: string };
  expect(error.detail).toBe('findClient threw');
  expect(error.cause).toBe(boom);
});

it('error and 503 temporarily_unavailable when the throttle cannot reach the store (fails closed)', async () => {
  const store = new MemoryStore();
  const broken: TokenStore = Object.assign(Object.create(store) as TokenStore, {
    peek: () => Promise.reject(new Error('connection reset')),
  });
  const s = await createServer({ store: broken });
  const res = await post(s, { grant_type: 'password', username: 'alice', password: 'correct horse' });
  expect(res.status).toBe(503);
  expect(res.body.error).toBe('temporarily_unavailable');
  expect(res.headers['retry-after']).toBe('1');
  expect(s.events.map((e) => e.name)).toEqual(['error']);
  expect((s.events[0].payload as { detail: string }).detail).toBe('store peek failed');
});

it('token.rejected at the bearer middleware for a bad token', async () => {
  const s = await createServer();
  await request(s.app).get('/api/me').set('Authorization', 'Bearer abc.def.ghi');
  expect(s.events).toEqual([{ name: 'token.rejected', payload: { ip: IP, error: 'invalid_token', detail: expect.any(String) } }]);
});
