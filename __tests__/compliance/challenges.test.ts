// __tests__/compliance/challenges.test.ts
// RFC 9110 §11.6.1: "A server generating a 401 (Unauthorized) response MUST send a WWW-Authenticate header field
// containing at least one challenge applicable to the target resource." RFC 6749 §5.2 lets invalid_client be a 401
// in every case; this server always answers it 401 with `Basic realm=...`, the header scheme it supports. Every
// path to a 401 the library has is enumerated here.

import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { OAuthError } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { JWT_BEARER } from '../helpers/jwt';

const BASIC = 'Basic realm="https://auth.example.com"';
const login = { grant_type: 'password', username: 'alice', password: 'correct horse' };
const post = (app: express.Express, path: string, params: Record<string, string>, auth?: string) => {
  const req = request(app).post(`/oauth2${path}`);
  return (auth === undefined ? req : req.set('Authorization', auth)).type('form').send(form(params));
};

type Case = [string, (s: TestServer) => PromiseLike<request.Response>, RegExp | string];

const cases: Case[] = [
  ['/token, a wrong secret over Basic', ({ app }) => post(app, '/token', login, basic('web', 'wrong')), BASIC],
  ['/token, a malformed Basic header', ({ app }) => post(app, '/token', login, 'Basic !!!'), BASIC],
  ['/token, a wrong client_secret_post', ({ app }) => post(app, '/token', { ...login, client_id: 'web', client_secret: 'wrong' }), BASIC],
  ['/token, an unknown client_id in the body', ({ app }) => post(app, '/token', { ...login, client_id: 'nobody' }), BASIC],
  ['/token, an unknown client_id with a secret', ({ app }) => post(app, '/token', { ...login, client_id: 'nobody', client_secret: 'x' }), BASIC],
  ['/token, no client authentication at all', ({ app }) => post(app, '/token', login), BASIC],
  ['/token, a confidential client without its secret', ({ app }) => post(app, '/token', { ...login, client_id: 'web' }), BASIC],
  ['/token, a public client sending a secret', ({ app }) => post(app, '/token', { ...login, client_id: 'cli', client_secret: 'x' }), BASIC],
  [
    '/token, a client_assertion that is not a JWT',
    ({ app }) => post(app, '/token', { ...login, client_assertion_type: JWT_BEARER, client_assertion: 'not.a.jwt' }),
    BASIC,
  ],
  [
    '/token, a client_assertion for a secret-based client',
    ({ app }) =>
      post(app, '/token', {
        ...login,
        client_assertion_type: JWT_BEARER,
        client_assertion: `${b64({ alg: 'HS256' })}.${b64({ sub: 'web', iss: 'web' })}.c2ln`,
      }),
    BASIC,
  ],
  ['/revoke, no client authentication', ({ app }) => post(app, '/revoke', { token: 'x' }), BASIC],
  ['/revoke, a wrong client_secret_post', ({ app }) => post(app, '/revoke', { token: 'x', client_id: 'web', client_secret: 'wrong' }), BASIC],
  ['/introspect, no client authentication', ({ app }) => post(app, '/introspect', { token: 'x' }), BASIC],
  ['/introspect, a public client', ({ app }) => post(app, '/introspect', { token: 'x', client_id: 'cli' }), BASIC],
  ['/introspect, a wrong secret over Basic', ({ app }) => post(app, '/introspect', { token: 'x' }, basic('web', 'nope')), BASIC],
  ['a protected route without a token', ({ app }) => request(app).get('/api/orders'), /^Bearer realm="https:\/\/auth\.example\.com"$/],
  [
    'a protected route with a bad token',
    ({ app }) => request(app).get('/api/orders').set('Authorization', 'Bearer a.b.c'),
    /^Bearer realm=.*error="invalid_token"/,
  ],
  ['a protected route with a bad DPoP token', ({ app }) => request(app).get('/api/orders').set('Authorization', 'DPoP a.b.c'), /^DPoP realm=.*error=/],
  ['/userinfo without a token', ({ app }) => request(app).get('/oauth2/userinfo'), /^Bearer realm=/],
  [
    '/userinfo with a bad token',
    ({ app }) => request(app).get('/oauth2/userinfo').set('Authorization', 'Bearer a.b.c'),
    /^Bearer realm=.*error="invalid_token"/,
  ],
  [
    '/userinfo for a user that is gone',
    async ({ app }) => {
      const { body } = await post(app, '/token', { ...login, scope: 'openid' }, basic('web', WEB_SECRET));
      return request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${body.access_token}`);
    },
    /^Bearer realm=.*error="invalid_token"/,
  ],
  [
    'the passport strategy with a bad token',
    ({ auth }) => {
      const app = express();
      const pp = new passport.Passport();
      pp.use(auth.strategy());
      app.get('/p', pp.authenticate('oauth2-bearer', { session: false }), (_req, res) => {
        res.end();
      });
      return request(app).get('/p').set('Authorization', 'Bearer a.b.c');
    },
    /^Bearer realm=.*error="invalid_token"/,
  ],
  ["an app's own 401 OAuthError thrown from verifyUser", ({ app }) => post(app, '/token', login, basic('web', WEB_SECRET)), BASIC],
];

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

it.each(cases)('%s: 401 with a WWW-Authenticate challenge', async (name, send, challenge) => {
  const appsOwn401 = () => {
    throw new OAuthError('invalid_client', 'This client may not log users in');
  };
  const s = await createServer({ findUser: () => null, ...(name.startsWith("an app's own") ? { verifyUser: appsOwn401 } : {}) });
  const res = await send(s);
  expect(res.status).toBe(401);
  if (typeof challenge === 'string') expect(res.headers['www-authenticate']).toBe(challenge);
  else expect(res.headers['www-authenticate']).toMatch(challenge);
});
