// RFC 6749 §6 (refreshing), RFC 9700 §4.14.2: "the authorization server ... issues a new refresh token with every
// access token refresh response ... If a refresh token is compromised and subsequently used by both the attacker and
// the legitimate client, one of them will present an invalidated refresh token, which will inform the authorization
// server of the breach" — the server then revokes the active refresh token of the grant.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { MemoryStore, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

const web = basic('web', WEB_SECRET);

async function login(app: Parameters<typeof request>[0], scope = 'openid profile orders') {
  const res = await request(app)
    .post('/oauth2/token')
    .set('Authorization', web)
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope }));
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
}

function refresh(app: Parameters<typeof request>[0], token: string, extra: Record<string, string> = {}, auth = web) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', auth)
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));
}

describe('refresh_token grant', () => {
  it('rotates: returns a new refresh token and kills the old one', async () => {
    const { app, events } = await createServer();
    const first = await login(app);
    const second = await refresh(app, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile orders', expires_in: 3600 });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.id_token).toBeUndefined();
    const a = jwt.decode(first.access_token) as jwt.JwtPayload;
    const b = jwt.decode(second.body.access_token) as jwt.JwtPayload;
    expect(b).toMatchObject({ sub: a.sub, sid: a.sid, auth_time: a.auth_time, client_id: 'web' });
    expect(b.jti).not.toBe(a.jti);
    expect(events.find((e) => e.name === 'token.refreshed')?.payload).toMatchObject({ clientId: 'web', userId: 'u-alice', sid: a.sid });
    const third = await refresh(app, second.body.refresh_token);
    expect(third.status).toBe(200);
  });

  it('treats reuse of a spent token as theft: revokes the whole family and its access tokens, and says so', async () => {
    const { app, events } = await createServer();
    const first = await login(app);
    const second = await refresh(app, first.refresh_token);
    const replay = await refresh(app, first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(events.find((e) => e.name === 'refresh.reused')?.payload).toMatchObject({ clientId: 'web', userId: 'u-alice' });
    // The legitimate successor dies with the family...
    expect((await refresh(app, second.body.refresh_token)).body.error).toBe('invalid_grant');
    // ...and so do the access tokens the grant produced.
    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${second.body.access_token}`);
    expect(me.status).toBe(401);
    expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('lets exactly one of many concurrent uses of one token succeed', async () => {
    const { app } = await createServer();
    const { refresh_token } = await login(app);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(app, refresh_token)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant')).toBe(true);
  });

  it('works only for the client it was issued to', async () => {
    const { app } = await createServer();
    const { refresh_token } = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', client_id: 'cli', scope: 'orders' }))
      .then((r) => r.body);
    const stolen = await refresh(app, refresh_token);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    const owner = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token, client_id: 'cli' }));
    expect(owner.status).toBe(200);
  });

  it('requires client authentication for a confidential client', async () => {
    const { app } = await createServer();
    const { refresh_token } = await login(app);
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token, client_id: 'web' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('may narrow the scope of the access token, never widen it; the refresh token keeps the original scope', async () => {
    const { app } = await createServer();
    const { refresh_token } = await login(app, 'profile orders');
    const narrowed = await refresh(app, refresh_token, { scope: 'orders' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('orders');
    const back = await refresh(app, narrowed.body.refresh_token);
    expect(back.body.scope).toBe('profile orders');
    const wider = await refresh(app, back.body.refresh_token, { scope: 'orders admin' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('names the scope a refresh tried to add in a scope.rejected event', async () => {
    const { app, auth } = await createServer();
    const rejected: unknown[] = [];
    auth.on('scope.rejected', (e) => rejected.push(e));
    const { refresh_token } = await login(app, 'orders');
    const wider = await refresh(app, refresh_token, { scope: 'orders profile' });
    expect(wider.body.error).toBe('invalid_scope');
    expect(rejected).toEqual([
      { clientId: 'web', ip: expect.any(String), grantType: 'refresh_token', scope: ['profile'], detail: 'refresh may not widen the scope: profile' },
    ]);
  });

  it.each([
    ['an unknown token', 'not-a-real-token'],
    ['an empty-looking token', 'AAAA'],
  ])('rejects %s with invalid_grant', async (_n, token) => {
    const { app } = await createServer();
    const res = await refresh(app, token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('rejects a missing refresh_token with invalid_request', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Authorization', web)
      .type('form')
      .send(form({ grant_type: 'refresh_token' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('rejects an expired refresh token (clock injected)', async () => {
    let now = Date.now();
    const store = new MemoryStore({ now: () => now });
    const { app } = await createServer({ store, now: () => now, refreshTokenTTL: 60 });
    const { refresh_token } = await login(app);
    now += 61_000;
    const res = await refresh(app, refresh_token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('answers 503 and keeps the old token alive when the store fails during rotation', async () => {
    const store = new MemoryStore();
    const { app, events } = await createServer({ store });
    const { refresh_token } = await login(app);
    const rotate = store.rotateRefreshToken.bind(store);
    store.rotateRefreshToken = async () => {
      throw new Error('connection reset');
    };
    const failed = await refresh(app, refresh_token);
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('temporarily_unavailable');
    expect(events.some((e) => e.name === 'error')).toBe(true);
    (store as TokenStore).rotateRefreshToken = rotate;
    const retried = await refresh(app, refresh_token);
    expect(retried.status).toBe(200);
  });
});
