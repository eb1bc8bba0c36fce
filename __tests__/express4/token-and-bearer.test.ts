// __tests__/express4/token-and-bearer.test.ts
// The token endpoint, requireToken and the passport strategy under Express 4: `express` (ours and the test's) is
// Express 4 here. The other endpoints: standard-endpoints.test.ts.

// Hoisted above the imports: every require('express') in this file's module registry, the library's included,
// gets the `express4` alias (npm:express@4).
jest.mock('express', () => jest.requireActual('express4'));

import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

const express4 = jest.requireActual<typeof express>('express4');

function passwordLogin(app: express.Express, scope = 'openid profile orders') {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope }));
}

describe('Express 4', () => {
  it('is what both this file and the library load as `express`', async () => {
    expect(jest.requireActual<{ version: string }>('express4/package.json').version).toMatch(/^4\./);
    expect(express).toBe(express4);
    // express.query was removed in Express 5.
    expect(typeof (express as unknown as { query?: unknown }).query).toBe('function');
    // The library's router comes from Express 4's Router (whose routers inherit from the Router function itself).
    const { auth } = await createServer();
    expect(Object.getPrototypeOf(auth.router)).toBe(express4.Router);
  });

  it('runs the password grant, a protected route and a refresh', async () => {
    const { app } = await createServer();
    const res = await passwordLogin(app);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile orders' });

    const me = await request(app).get('/api/me').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'u-alice', clientId: 'web', scope: ['openid', 'profile', 'orders'] });

    const refreshed = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(res.body.refresh_token);
    const reused = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token }));
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('answers 405 for GET and 400 invalid_request for a missing grant_type, as JSON', async () => {
    const { app } = await createServer();
    const get = await request(app).get('/oauth2/token');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.body.error).toBe('invalid_request');
    const missing = await request(app).post('/oauth2/token').set('Authorization', basic('web', WEB_SECRET)).type('form').send('username=alice');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 and 403 challenges from requireToken', async () => {
    const { app } = await createServer();
    const none = await request(app).get('/api/me');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="/);
    const login = await passwordLogin(app, 'openid');
    const forbidden = await request(app).get('/api/me').set('Authorization', `Bearer ${login.body.access_token}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(forbidden.body.error).toBe('insufficient_scope');
  });

  it('answers 500 server_error JSON when verifyUser rejects (Express 4 does not catch rejected promises)', async () => {
    const { app, events } = await createServer({ verifyUser: () => Promise.reject(new Error('db down')) });
    const res = await passwordLogin(app);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('db down');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });

  it('reads bodies already parsed by an app-level express.urlencoded() (body-parser 1.x)', async () => {
    const withParser = Object.assign(() => express4().use(express4.urlencoded({ extended: false })), express4);
    const { app } = await createServer({}, withParser);
    const res = await passwordLogin(app);
    expect(res.status).toBe(200);
    const repeated = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send('grant_type=password&username=alice&password=x&password=y');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
  });

  it("answers the app parsers' own failures as JSON with auth.errorHandler (body-parser 1.x)", async () => {
    const { auth } = await createServer();
    const app = express4();
    app.use(express4.json({ limit: '1kb' }), express4.urlencoded({ extended: false, limit: '1kb' }));
    app.use('/oauth2', auth.router, auth.errorHandler);
    const malformed = await request(app).post('/oauth2/token').set('Content-Type', 'application/json').send('{"password":"hunter2');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'invalid_request', error_description: 'The request body could not be read' });
    expect(malformed.headers['cache-control']).toBe('no-store');
    const large = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', password: 'x'.repeat(4096) }));
    expect(large.status).toBe(413);
    expect(large.body.error).toBe('invalid_request');
  });

  it('protects a route through passport with the oauth2-bearer strategy', async () => {
    const { app, auth } = await createServer();
    const passport = new Passport();
    passport.use(auth.strategy());
    app.get('/api/passport', passport.initialize(), passport.authenticate('oauth2-bearer', { session: false }), (req, res) => {
      res.json({ sub: req.auth?.sub });
    });
    const login = await passwordLogin(app);
    const ok = await request(app).get('/api/passport').set('Authorization', `Bearer ${login.body.access_token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ sub: 'u-alice' });
    const bad = await request(app).get('/api/passport').set('Authorization', 'Bearer x.y.z');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});
