// __tests__/grants/end-session.test.ts
// `session.revoked`: every way a session (one login, the `sid` of its tokens) ends tells the app, with a reason; the
// events that said so before (`refresh.reused`, `token.revoked`) are unchanged.

import request from 'supertest';
import type { Express } from 'express';
import { MemoryStore, RedisStore, type Client } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { decodeJwt, loginWeb, postAsWeb } from '../helpers/login';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';

const IP = expect.stringMatching(/127\.0\.0\.1/);

function refresh(app: Express, token: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token }));
}

const sidOf = (accessToken: string): string => decodeJwt(accessToken).payload.sid as string;
/** The events of a test server from `names`, in the order they were emitted. */
const only = (s: TestServer, ...names: string[]) => s.events.filter((e) => names.includes(e.name));
const orders = (s: TestServer, accessToken: string) => request(s.app).get('/api/orders').set('Authorization', `Bearer ${accessToken}`);

describe('session.revoked', () => {
  it("reason 'reused' when a spent refresh token comes back (RFC 9700 §4.14.2), before refresh.reused as it was", async () => {
    const s = await createServer();
    const login = await loginWeb(s.app, 'orders');
    expect((await refresh(s.app, login.refresh_token!)).status).toBe(200);
    expect((await refresh(s.app, login.refresh_token!)).status).toBe(400);
    const sid = sidOf(login.access_token);
    expect(only(s, 'session.revoked', 'refresh.reused')).toEqual([
      { name: 'session.revoked', payload: { clientId: 'web', ip: IP, sub: 'u-alice', sid, reason: 'reused' } },
      { name: 'refresh.reused', payload: { clientId: 'web', ip: IP, userId: 'u-alice', sid } },
    ]);
  });

  it("reason 'revoked' when the client revokes a refresh token at /revoke (RFC 7009), before token.revoked as it was", async () => {
    const s = await createServer();
    const login = await loginWeb(s.app, 'orders');
    expect((await postAsWeb(s.app, '/revoke', { token: login.refresh_token! })).status).toBe(200);
    const sid = sidOf(login.access_token);
    expect(only(s, 'session.revoked', 'token.revoked')).toEqual([
      { name: 'session.revoked', payload: { clientId: 'web', ip: IP, sub: 'u-alice', sid, reason: 'revoked' } },
      { name: 'token.revoked', payload: { clientId: 'web', ip: IP, tokenType: 'refresh_token', sid } },
    ]);
    expect((await orders(s, login.access_token)).status).toBe(401);
  });

  it('is not emitted when /revoke ends one access token only: the session lives on', async () => {
    const s = await createServer();
    const login = await loginWeb(s.app, 'orders');
    await postAsWeb(s.app, '/revoke', { token: login.access_token });
    expect(only(s, 'session.revoked')).toEqual([]);
    expect(only(s, 'token.revoked')).toHaveLength(1);
    expect((await refresh(s.app, login.refresh_token!)).status).toBe(200);
  });

  it("reason 'expired' when a token of a family past its absolute lifetime is presented; nothing else is revoked", async () => {
    const clock = { ms: Date.now() };
    const f = (await createServer()).fixture;
    const clients = new Map<string, Client>(f.clients);
    const s = await createServer({ store: new MemoryStore({ now: () => clock.ms }), now: () => clock.ms, findClient: (id) => clients.get(id) ?? null });
    const login = await loginWeb(s.app, 'orders');
    // The app lowered the client's absolute lifetime after the login: the stored token outlives the family's end.
    clients.set('web', { ...f.clients.get('web')!, refreshTokenAbsoluteTTL: 100 });
    clock.ms += 150_000;
    const res = await refresh(s.app, login.refresh_token!);
    expect(res.body.error).toBe('invalid_grant');
    expect(only(s, 'session.revoked')).toEqual([
      { name: 'session.revoked', payload: { clientId: 'web', ip: IP, sub: 'u-alice', sid: sidOf(login.access_token), reason: 'expired' } },
    ]);
    // An expired session revokes nothing: the access token issued before its end lives until its own `exp`.
    expect((await orders(s, login.access_token)).status).toBe(200);
  });

  it('is not emitted for a refresh token presented by another client, nor for an unknown one', async () => {
    const s = await createServer();
    const login = await loginWeb(s.app, 'orders');
    const asCli = await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: login.refresh_token! }));
    expect(asCli.body.error).toBe('invalid_grant');
    await postAsWeb(s.app, '/revoke', { token: 'x'.repeat(43) });
    expect((await refresh(s.app, 'x'.repeat(43))).body.error).toBe('invalid_grant');
    expect(only(s, 'session.revoked')).toEqual([]);
  });
});

describeWithRedis('session.revoked (RedisStore)', () => {
  const prefix = uniquePrefix('end-session');
  const client = redisClient();
  afterAll(async () => {
    await deletePrefix(client, prefix);
    await client.quit();
  });

  it("reason 'expired' also when the store still hands back a token that lapsed at its family's end", async () => {
    const clock = { ms: Date.now() };
    const store = new RedisStore({ client, prefix });
    const s = await createServer({ store, now: () => clock.ms, refreshTokenTTL: 60, refreshTokenAbsoluteTTL: 100 });
    const t0 = Math.floor(clock.ms / 1000);
    const login = await loginWeb(s.app, 'orders');
    clock.ms = (t0 + 50) * 1000;
    const next = await refresh(s.app, login.refresh_token!);
    expect(next.status).toBe(200);
    // Redis expires keys on the wall clock (about t0): at the app's t0 + 100 it still holds the successor, which
    // lapsed exactly at the family's end.
    clock.ms = (t0 + 100) * 1000;
    expect((await refresh(s.app, next.body.refresh_token)).body.error).toBe('invalid_grant');
    expect(only(s, 'session.revoked').map((e) => e.payload)).toEqual([expect.objectContaining({ sub: 'u-alice', reason: 'expired' })]);
    await store.close();
  });
});
