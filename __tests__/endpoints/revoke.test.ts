// RFC 7009 §2.1: "The client also includes its authentication credentials ... token REQUIRED ... token_type_hint
// OPTIONAL". §2.2: "The authorization server responds with HTTP status code 200 if the token has been revoked
// successfully or if the client submitted an invalid token." §2.1: an unknown token_type_hint is ignored.
import request from 'supertest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4');
import type { Express } from 'express';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';
import { loginCli, loginWeb, postAsWeb } from '../helpers/login';
import { MemoryStore, type TokenStore } from '../../lib';

function refresh(app: Express, refreshToken: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: refreshToken }));
}

function expectEmptyJson200(res: request.Response): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.text).toBe('{}');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('POST /revoke', () => {
  it('revokes a refresh token, its whole grant and the access tokens issued from it', async () => {
    const { app, events } = await createServer();
    const first = await loginWeb(app, 'orders offline_access');
    const rotated = (await refresh(app, first.refresh_token!)).body;
    const res = await postAsWeb(app, '/revoke', { token: rotated.refresh_token, token_type_hint: 'refresh_token' });
    expectEmptyJson200(res);
    expect((await refresh(app, rotated.refresh_token)).body.error).toBe('invalid_grant');
    // RFC 7009 §2.1: the access tokens of the same grant SHOULD be invalidated too (they carry sid = grant id).
    for (const token of [first.access_token, rotated.access_token]) {
      const api = await request(app).get('/api/orders').set('Authorization', `Bearer ${token}`);
      expect(api.status).toBe(401);
      expect(api.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    const revoked = events.filter((e) => e.name === 'token.revoked');
    expect(revoked).toEqual([
      { name: 'token.revoked', payload: expect.objectContaining({ clientId: 'web', tokenType: 'refresh_token', sid: expect.any(String) }) },
    ]);
    expect(JSON.stringify(revoked)).not.toContain(rotated.refresh_token);
  });

  it('revokes an access token alone: it stops working, the refresh token of its grant does not', async () => {
    const { app, events } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: tokens.access_token, token_type_hint: 'access_token' }));
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
    const next = await refresh(app, tokens.refresh_token!);
    expect(next.status).toBe(200);
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${next.body.access_token}`)).status).toBe(200);
    const event = events.find((e) => e.name === 'token.revoked')?.payload as Record<string, unknown>;
    expect(event).toMatchObject({ clientId: 'web', tokenType: 'access_token', jti: expect.any(String), sid: expect.any(String) });
  });

  it.each([
    ['no hint', undefined],
    ['the hint refresh_token', 'refresh_token'],
  ])('accepts an access token sent with %s', async (_name, hint) => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const params: Record<string, string> = { token: tokens.access_token };
    if (hint !== undefined) params.token_type_hint = hint;
    expectEmptyJson200(await postAsWeb(app, '/revoke', params));
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
  });

  it('finds a refresh token sent with the hint access_token (the search extends to every type)', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: tokens.refresh_token!, token_type_hint: 'access_token' }));
    expect((await refresh(app, tokens.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('revokes the grant when a spent (rotated) refresh token is revoked', async () => {
    const { app } = await createServer();
    const first = await loginWeb(app, 'orders');
    const current = (await refresh(app, first.refresh_token!)).body;
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: first.refresh_token! }));
    expect((await refresh(app, current.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('leaves nothing usable when a refresh and a revocation of the same token race', async () => {
    const { app } = await createServer();
    for (let i = 0; i < 5; i++) {
      const tokens = await loginWeb(app, 'orders');
      const [refreshed, revoked] = await Promise.all([refresh(app, tokens.refresh_token!), postAsWeb(app, '/revoke', { token: tokens.refresh_token! })]);
      expectEmptyJson200(revoked);
      // Whichever ran first, the grant ends revoked: a successor issued in the race is dead too.
      if (refreshed.status === 200) {
        expect((await refresh(app, refreshed.body.refresh_token)).body.error).toBe('invalid_grant');
        expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(401);
      } else {
        expect(refreshed.body.error).toBe('invalid_grant');
      }
    }
  });

  it('treats an id_token as no token of ours to revoke', async () => {
    const { app, events } = await createServer();
    const tokens = await loginWeb(app, 'openid orders');
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: tokens.id_token! }));
    expect(events.filter((e) => e.name === 'token.revoked')).toEqual([]);
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
  });

  it.each([
    ['an unknown opaque token', 'x'.repeat(43)],
    ['a malformed JWT', 'aaa.bbb.ccc'],
    ['a JWT signed by someone else', 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ['a single character', '.'],
  ])('answers 200 {} for %s and revokes nothing', async (_name, token) => {
    const { app, events } = await createServer();
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token }));
    expect(events.filter((e) => e.name === 'token.revoked')).toEqual([]);
  });

  it('answers 200 {} for an expired access token and records nothing', async () => {
    let now = Date.now();
    const store = new MemoryStore();
    const { app, events } = await createServer({ now: () => now, store });
    const tokens = await loginWeb(app, 'orders');
    now += 2 * 3600 * 1000;
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: tokens.access_token }));
    expect(events.filter((e) => e.name === 'token.revoked')).toEqual([]);
  });

  it("leaves another client's tokens alone and answers exactly as for an unknown token", async () => {
    const { app, events } = await createServer();
    const cli = await loginCli(app, 'orders');
    const asWeb = await postAsWeb(app, '/revoke', { token: cli.refresh_token! });
    expectEmptyJson200(asWeb);
    const unknown = await postAsWeb(app, '/revoke', { token: 'y'.repeat(43) });
    expect(asWeb.text).toBe(unknown.text);
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: cli.access_token }));
    expect(events.filter((e) => e.name === 'token.revoked')).toEqual([]);
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${cli.access_token}`)).status).toBe(200);
    const again = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: cli.refresh_token! }));
    expect(again.status).toBe(200);
  });

  it('lets a public client revoke its own refresh token with client_id alone', async () => {
    const { app } = await createServer();
    const cli = await loginCli(app, 'orders');
    const res = await request(app)
      .post('/oauth2/revoke')
      .type('form')
      .send(form({ client_id: 'cli', token: cli.refresh_token! }));
    expectEmptyJson200(res);
    const again = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: cli.refresh_token! }));
    expect(again.body.error).toBe('invalid_grant');
  });

  it('authenticates clients with client_secret_post as at /token', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const res = await request(app)
      .post('/oauth2/revoke')
      .type('form')
      .send(form({ client_id: 'web', client_secret: WEB_SECRET, token: tokens.refresh_token! }));
    expectEmptyJson200(res);
    expect((await refresh(app, tokens.refresh_token!)).body.error).toBe('invalid_grant');
  });

  // RFC 7009 §2.1: the server "MAY ignore this parameter" and searches all its token types: an unknown hint, or one
  // naming the other type, still revokes the token (as node-oidc-provider does), never unsupported_token_type.
  it.each(['id_token', 'pct', 'urn:ietf:params:oauth:token-type:jwt', 'Access_Token', 'refresh_token'])(
    'ignores the hint %s and revokes the access token',
    async (hint) => {
      const { app } = await createServer();
      const tokens = await loginWeb(app, 'orders');
      const res = await postAsWeb(app, '/revoke', { token: tokens.access_token, token_type_hint: hint });
      expectEmptyJson200(res);
      expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
    },
  );

  it.each(['id_token', 'pct', 'access_token'])('ignores the hint %s and revokes the refresh token', async (hint) => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const res = await postAsWeb(app, '/revoke', { token: tokens.refresh_token!, token_type_hint: hint });
    expectEmptyJson200(res);
    expect((await refresh(app, tokens.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('rejects a wrong client secret with 401 invalid_client and a Basic challenge, revoking nothing', async () => {
    const { app, events } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const res = await request(app)
      .post('/oauth2/revoke')
      .set('Authorization', basic('web', 'wrong'))
      .type('form')
      .send(form({ token: tokens.refresh_token! }));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(events.find((e) => e.name === 'client.failed')?.payload).toMatchObject({ detail: 'wrong client secret' });
    expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
  });

  it('rejects a request without client authentication with 401 invalid_client', async () => {
    const { app } = await createServer();
    const res = await request(app)
      .post('/oauth2/revoke')
      .type('form')
      .send(form({ token: 'x' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it.each([
    ['a missing token', (app: Express) => postAsWeb(app, '/revoke', { token_type_hint: 'access_token' })],
    ['an empty token', (app: Express) => postAsWeb(app, '/revoke', { token: '' })],
    [
      'a repeated token',
      (app: Express) => request(app).post('/oauth2/revoke').set('Authorization', basic('web', WEB_SECRET)).type('form').send('token=a&token=b'),
    ],
    [
      'the token in the query string',
      (app: Express) => request(app).post('/oauth2/revoke?token=abc').set('Authorization', basic('web', WEB_SECRET)).type('form').send(''),
    ],
    ['a JSON body', (app: Express) => request(app).post('/oauth2/revoke').set('Authorization', basic('web', WEB_SECRET)).send({ token: 'abc' })],
  ])('answers 400 invalid_request for %s', async (_name, send) => {
    const { app } = await createServer();
    const res = await send(app);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers other methods with 405 JSON', async () => {
    const { app } = await createServer();
    const res = await request(app).get('/oauth2/revoke');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers 503 temporarily_unavailable and emits error when the store fails', async () => {
    const store = new MemoryStore();
    const failing: TokenStore = Object.assign(Object.create(store) as MemoryStore, {
      revokeAccessToken: async () => {
        throw new Error('store down');
      },
    });
    const { app, events } = await createServer({ store: failing });
    const tokens = await loginWeb(app, 'orders');
    const res = await postAsWeb(app, '/revoke', { token: tokens.access_token });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });

  it('works under Express 4', async () => {
    const { app } = await createServer({}, express4 as never);
    const tokens = await loginWeb(app, 'orders');
    expectEmptyJson200(await postAsWeb(app, '/revoke', { token: tokens.refresh_token! }));
    expect((await refresh(app, tokens.refresh_token!)).body.error).toBe('invalid_grant');
  });
});

describe('revocation checks in the verifier (checkRevocation)', () => {
  it('is on by default: a revoked access token is refused by verifyAccessToken', async () => {
    const { app, auth } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    await expect(auth.verifyAccessToken(tokens.access_token)).resolves.toMatchObject({ sub: 'u-alice' });
    await postAsWeb(app, '/revoke', { token: tokens.access_token });
    await expect(auth.verifyAccessToken(tokens.access_token)).rejects.toMatchObject({ error: 'invalid_token', detail: 'token revoked' });
  });

  it('when turned off, saves the store read: a revoked token is accepted until it expires', async () => {
    const { app } = await createServer({ checkRevocation: false });
    const tokens = await loginWeb(app, 'orders');
    await postAsWeb(app, '/revoke', { token: tokens.access_token });
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
    // Introspection stays authoritative either way.
    expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toEqual({ active: false });
  });
});
