// __tests__/bearer/one-core.test.ts
// requireToken, the passport strategy, auth.verifyAccessToken and /userinfo are adapters over one bearer core:
// a refused token gives the same status and challenge from each, and the same token.rejected event.

import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { isOAuthError, type OAuthError } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';

const BAD = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

/** The four ways one server refuses `token`: what reaches the client, and the events each emitted. */
async function refusals(s: TestServer, token: string) {
  const app = express();
  const pp = new passport.Passport();
  pp.use(s.auth.strategy());
  app.use('/oauth2', s.auth.router);
  app.get('/api/orders', s.auth.requireToken(), (_req, res) => res.json({}));
  app.get('/api/passport', pp.authenticate('oauth2-bearer', { session: false }), (_req, res) => res.json({}));
  const rejectedSince = (from: number) =>
    s.events
      .slice(from)
      .filter((e) => e.name === 'token.rejected')
      .map((e) => e.payload);
  const wire = (res: request.Response) => ({ status: res.status, challenge: res.headers['www-authenticate'] });

  let mark = s.events.length;
  const middleware = wire(await request(app).get('/api/orders').set('Authorization', `Bearer ${token}`));
  const middlewareEvents = rejectedSince(mark);
  mark = s.events.length;
  const strategy = wire(await request(app).get('/api/passport').set('Authorization', `Bearer ${token}`));
  const strategyEvents = rejectedSince(mark);
  mark = s.events.length;
  const userinfo = wire(await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${token}`));
  const userinfoEvents = rejectedSince(mark);
  mark = s.events.length;
  const err = (await s.auth.verifyAccessToken(token).then(
    () => undefined,
    (e: unknown) => e,
  )) as OAuthError;
  expect(isOAuthError(err)).toBe(true);
  const direct = { status: err.status, challenge: err.headers['WWW-Authenticate'] };
  const directEvents = rejectedSince(mark);
  return { middleware, strategy, userinfo, direct, middlewareEvents, strategyEvents, userinfoEvents, directEvents };
}

const findUser = (sub: string) => ({ id: sub });

it('a malformed token: the same 401 invalid_token challenge, and one token.rejected, from all four', async () => {
  const s = await createServer({ findUser });
  const r = await refusals(s, BAD);
  expect(r.middleware).toEqual({ status: 401, challenge: expect.stringMatching(/^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]+"$/) });
  expect(r.strategy).toEqual(r.middleware);
  expect(r.userinfo).toEqual(r.middleware);
  expect(r.direct).toEqual(r.middleware);
  const event = { error: 'invalid_token', detail: expect.any(String) };
  expect(r.middlewareEvents).toEqual([{ ip: expect.stringMatching(/127\.0\.0\.1/), ...event }]);
  expect(r.strategyEvents).toEqual(r.middlewareEvents);
  expect(r.userinfoEvents).toEqual(r.middlewareEvents);
  // Outside a request there is no IP.
  expect(r.directEvents).toEqual([{ ip: undefined, ...event }]);
});

it('a revoked token: token.rejected from the strategy and verifyAccessToken too, with the same detail', async () => {
  const s = await createServer({ findUser });
  const login = await request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid orders' }));
  const token = login.body.access_token as string;
  await request(s.app).post('/oauth2/revoke').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form({ token }));
  const r = await refusals(s, token);
  for (const events of [r.middlewareEvents, r.strategyEvents, r.userinfoEvents, r.directEvents]) {
    expect(events).toEqual([expect.objectContaining({ error: 'invalid_token', detail: 'token revoked' })]);
  }
  expect([r.strategy, r.userinfo, r.direct]).toEqual([r.middleware, r.middleware, r.middleware]);
});
