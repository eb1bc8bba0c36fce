// RFC 7662 §2.1: "The protected resource calls the introspection endpoint using an HTTP POST request with parameters
// sent as application/x-www-form-urlencoded data ... token REQUIRED ... token_type_hint OPTIONAL". §2.2: "active
// REQUIRED ... If the introspection call is properly authorized but the token is not active, does not exist on this
// server, or the protected resource is not allowed to introspect this particular token, then the authorization
// server MUST return an introspection response with the "active" field set to "false"."
import request from 'supertest';
import type { Express } from 'express';
import { basic, createServer, form, ISSUER, AUDIENCE, WEB_SECRET } from '../helpers/server';
import { decodeJwt, loginCli, loginWeb, postAsWeb } from '../helpers/login';
import { hashSecret, MemoryStore } from '../../lib';

function refresh(app: Express, refreshToken: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: refreshToken }));
}

describe('POST /introspect', () => {
  it('describes an active access token with the RFC 7662 members, matching the token itself', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'openid profile orders');
    const res = await postAsWeb(app, '/introspect', { token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const claims = decodeJwt(tokens.access_token).payload;
    expect(res.body).toEqual({
      active: true,
      scope: 'openid profile orders',
      client_id: 'web',
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      sub: 'u-alice',
      aud: AUDIENCE,
      iss: ISSUER,
      jti: claims.jti,
      sid: claims.sid,
      auth_time: claims.auth_time,
    });
    expect(typeof res.body.exp).toBe('number');
  });

  it('describes an active refresh token to the client it was issued to, with username and token_type refresh_token', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const res = await postAsWeb(app, '/introspect', { token: tokens.refresh_token!, token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    const sid = decodeJwt(tokens.access_token).payload.sid;
    expect(res.body).toEqual({
      active: true,
      scope: 'orders',
      client_id: 'web',
      username: 'alice',
      token_type: 'refresh_token',
      exp: expect.any(Number),
      iat: expect.any(Number),
      sub: 'u-alice',
      iss: ISSUER,
      jti: expect.any(String),
      sid,
      auth_time: expect.any(Number),
    });
    expect(res.body.exp - res.body.iat).toBe(1209600);
    expect(JSON.stringify(res.body)).not.toContain(tokens.refresh_token);
  });

  it('reports username for access tokens when enrichToken put a username claim in them', async () => {
    const { app } = await createServer({ enrichToken: ({ user }) => (user?.username ? { accessTokenClaims: { username: user.username } } : {}) });
    const tokens = await loginWeb(app, 'orders');
    expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toMatchObject({ active: true, username: 'alice' });
  });

  it('finds each type whatever the hint says, and ignores an unknown hint', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    for (const hint of ['refresh_token', 'access_token', 'id_token', '']) {
      expect((await postAsWeb(app, '/introspect', { token: tokens.access_token, token_type_hint: hint })).body.active).toBe(true);
      expect((await postAsWeb(app, '/introspect', { token: tokens.refresh_token!, token_type_hint: hint })).body.active).toBe(true);
    }
  });

  it('lets any authenticated client introspect an access token (a resource server registered as a client)', async () => {
    const { app } = await createServer();
    const cli = await loginCli(app, 'orders');
    const res = await request(app)
      .post('/oauth2/introspect')
      .set('Authorization', basic('legacy', 'THE_SECRET'))
      .type('form')
      .send(form({ token: cli.access_token }));
    expect(res.body).toMatchObject({ active: true, client_id: 'cli', sub: 'u-bob', scope: 'orders' });
  });

  it("answers active: false for another client's refresh token", async () => {
    const { app } = await createServer();
    const cli = await loginCli(app, 'orders');
    expect((await postAsWeb(app, '/introspect', { token: cli.refresh_token! })).body).toEqual({ active: false });
  });

  it('answers active: false for a revoked access token, and for every token of a revoked grant', async () => {
    const { app } = await createServer();
    const a = await loginWeb(app, 'orders');
    await postAsWeb(app, '/revoke', { token: a.access_token });
    expect((await postAsWeb(app, '/introspect', { token: a.access_token })).body).toEqual({ active: false });
    expect((await postAsWeb(app, '/introspect', { token: a.refresh_token! })).body.active).toBe(true);
    const b = await loginWeb(app, 'orders');
    await postAsWeb(app, '/revoke', { token: b.refresh_token! });
    expect((await postAsWeb(app, '/introspect', { token: b.access_token })).body).toEqual({ active: false });
    expect((await postAsWeb(app, '/introspect', { token: b.refresh_token! })).body).toEqual({ active: false });
  });

  it('answers active: false for a rotated (spent) refresh token, and true for its successor', async () => {
    const { app } = await createServer();
    const first = await loginWeb(app, 'orders');
    const next = (await refresh(app, first.refresh_token!)).body;
    expect((await postAsWeb(app, '/introspect', { token: first.refresh_token! })).body).toEqual({ active: false });
    expect((await postAsWeb(app, '/introspect', { token: next.refresh_token })).body.active).toBe(true);
  });

  it('answers active: false for expired access and refresh tokens', async () => {
    let now = Date.now();
    const { app } = await createServer({ now: () => now, store: new MemoryStore({ now: () => now }) });
    const tokens = await loginWeb(app, 'orders');
    now += 3600 * 1000 + 10_000;
    expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toEqual({ active: false });
    expect((await postAsWeb(app, '/introspect', { token: tokens.refresh_token! })).body.active).toBe(true);
    now += 1209600 * 1000;
    expect((await postAsWeb(app, '/introspect', { token: tokens.refresh_token! })).body).toEqual({ active: false });
  });

  it('accepts an access token for any audience this server issues (a client with its own audience)', async () => {
    const f = (await createServer()).fixture;
    const clients = new Map(f.clients);
    clients.set('partner', {
      id: 'partner',
      secretHash: await hashSecret('partner-secret', 4),
      grants: ['password'],
      scopes: ['orders'],
      audience: 'https://partner.example',
    });
    const { app } = await createServer({ findClient: (id) => clients.get(id) ?? null });
    const login = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('partner', 'partner-secret'))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse' }));
    const res = await postAsWeb(app, '/introspect', { token: login.body.access_token });
    expect(res.body).toMatchObject({ active: true, aud: 'https://partner.example' });
  });

  it.each([
    ['an unknown opaque token', 'z'.repeat(43)],
    ['a malformed JWT', 'a.b.c'],
    ['a JWT with alg none', 'eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0Iiwia2lkIjoiazEifQ.eyJzdWIiOiJ4In0.'],
    ['a very long string', 'x'.repeat(5000)],
  ])('answers active: false for %s', async (_name, token) => {
    const { app } = await createServer();
    const res = await postAsWeb(app, '/introspect', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it('answers active: false for an id_token (not an access token: typ is not at+jwt)', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'openid orders');
    expect((await postAsWeb(app, '/introspect', { token: tokens.id_token! })).body).toEqual({ active: false });
  });

  it('answers active: false for an access token signed by a key this server does not have', async () => {
    const { app: other } = await createServer({ signingKeys: { kid: 'k1', alg: 'ES256', key: (await import('../helpers/keys')).ecPem() } });
    const foreign = await loginWeb(other, 'orders');
    const { app } = await createServer();
    expect((await postAsWeb(app, '/introspect', { token: foreign.access_token })).body).toEqual({ active: false });
  });

  it('refuses public clients: 401 invalid_client', async () => {
    const { app, events } = await createServer();
    const cli = await loginCli(app, 'orders');
    const res = await request(app)
      .post('/oauth2/introspect')
      .type('form')
      .send(form({ client_id: 'cli', token: cli.access_token }));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_client');
    expect(events.find((e) => e.name === 'client.failed')?.payload).toMatchObject({ detail: 'public client at introspection' });
  });

  it.each([
    [
      'no client authentication',
      (app: Express) =>
        request(app)
          .post('/oauth2/introspect')
          .type('form')
          .send(form({ token: 'x' })),
    ],
    [
      'a wrong secret',
      (app: Express) =>
        request(app)
          .post('/oauth2/introspect')
          .set('Authorization', basic('web', 'nope'))
          .type('form')
          .send(form({ token: 'x' })),
    ],
    [
      'an unknown client',
      (app: Express) =>
        request(app)
          .post('/oauth2/introspect')
          .set('Authorization', basic('ghost', 'nope'))
          .type('form')
          .send(form({ token: 'x' })),
    ],
  ])('answers 401 invalid_client for %s', async (_name, send) => {
    const { app } = await createServer();
    const res = await send(app);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it.each([
    ['a missing token', (app: Express) => postAsWeb(app, '/introspect', {})],
    [
      'the token in the query string',
      (app: Express) => request(app).post('/oauth2/introspect?token=abc').set('Authorization', basic('web', WEB_SECRET)).type('form').send(''),
    ],
    [
      'a repeated token',
      (app: Express) => request(app).post('/oauth2/introspect').set('Authorization', basic('web', WEB_SECRET)).type('form').send('token=a&token=b'),
    ],
  ])('answers 400 invalid_request for %s', async (_name, send) => {
    const { app } = await createServer();
    const res = await send(app);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers GET with 405 JSON', async () => {
    const { app } = await createServer();
    const res = await request(app).get('/oauth2/introspect');
    expect(res.status).toBe(405);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers 503 when the store cannot say whether the token is revoked', async () => {
    const store = new MemoryStore();
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      isAccessTokenRevoked: async () => {
        throw new Error('down');
      },
    });
    const { app, events } = await createServer({ store: failing, checkRevocation: false });
    const tokens = await loginWeb(app, 'orders');
    const res = await postAsWeb(app, '/introspect', { token: tokens.access_token });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });
});
