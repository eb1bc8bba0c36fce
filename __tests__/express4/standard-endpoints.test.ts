// __tests__/express4/standard-endpoints.test.ts
// The standards endpoints under Express 4 (the foundation supports both majors): one pass through each with real tokens.
// `express` (ours and the test's) is Express 4 here, as in token-and-bearer.test.ts.

// Hoisted above the imports: every require('express') in this file's module registry, the library's included,
// gets the `express4` alias (npm:express@4).
jest.mock('express', () => jest.requireActual('express4'));

import request from 'supertest';
import { createServer } from '../helpers/server';
import { loginWeb, postAsWeb } from '../helpers/login';

it('introspects, serves userinfo and jwks, and revokes under Express 4', async () => {
  const { auth, app } = await createServer({ findUser: (sub) => ({ id: sub, claims: { email: 'a@example.com' } }) });
  // The library's router comes from Express 4's Router (whose routers inherit from the Router function itself).
  expect(Object.getPrototypeOf(auth.router)).toBe(jest.requireActual<{ Router: unknown }>('express4').Router);
  const tokens = await loginWeb(app, 'openid email orders');
  expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toMatchObject({ active: true, sub: 'u-alice' });
  const userinfo = await request(app).post('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
  expect(userinfo.body).toEqual({ sub: 'u-alice', email: 'a@example.com' });
  expect((await request(app).get('/oauth2/jwks')).body.keys[0]).toMatchObject({ kid: 'k1', use: 'sig' });
  const revoked = await postAsWeb(app, '/revoke', { token: tokens.refresh_token! });
  expect(revoked.status).toBe(200);
  expect(revoked.text).toBe('{}');
  expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toEqual({ active: false });
  expect((await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
});
