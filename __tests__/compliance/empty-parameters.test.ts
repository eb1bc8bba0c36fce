// __tests__/compliance/empty-parameters.test.ts
// RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted from the request." Checked
// for the optional parameters of /token, /revoke and /introspect, with the library's parser and an app's own;
// a required parameter sent empty is still reported missing, and an empty one still counts as a repeat.

import express from 'express';
import request from 'supertest';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';
import { decodeJwt, loginWeb, postAsWeb } from '../helpers/login';

const webAuth = basic('web', WEB_SECRET);
/** POST /token; `auth` null sends no Authorization header. */
const token = (app: express.Express, body: string, auth: string | null = webAuth) => {
  const req = request(app).post('/oauth2/token');
  return (auth === null ? req : req.set('Authorization', auth)).type('form').send(body);
};
const alice = 'grant_type=password&username=alice&password=correct+horse';

/** The same app with an app-level urlencoded parser in front of the router (the body arrives already parsed). */
async function withAppParser() {
  const s = await createServer();
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use('/oauth2', s.auth.router);
  return app;
}

describe.each([
  ['the library parser', async () => (await createServer()).app],
  ['an app-level body parser', withAppParser],
])('empty values are omitted values, with %s', (_name, makeApp) => {
  it('scope= grants the client’s default scopes, not an empty scope', async () => {
    const res = await token(await makeApp(), `${alice}&scope=`);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('orders');
    expect(decodeJwt(res.body.access_token).payload.scope).toBe('orders');
  });

  it('scope= on a refresh keeps the original scope', async () => {
    const app = await makeApp();
    const first = await token(app, `${alice}&scope=orders+profile`);
    const refreshed = await token(app, form({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token }) + '&scope=');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('orders profile');
  });

  it('client_secret= next to a Basic header is no second authentication method', async () => {
    const res = await token(await makeApp(), `${alice}&client_secret=&client_id=`);
    expect(res.status).toBe(200);
  });

  it('empty client_assertion and client_assertion_type next to a Basic header are ignored', async () => {
    const res = await token(await makeApp(), `${alice}&client_assertion=&client_assertion_type=`);
    expect(res.status).toBe(200);
  });

  it('nonce= puts no nonce into the id_token', async () => {
    const res = await token(await makeApp(), `${alice}&scope=openid&nonce=`);
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.id_token).payload).not.toHaveProperty('nonce');
  });

  it('token_type_hint= at /revoke and /introspect is no hint', async () => {
    const app = await makeApp();
    const { refresh_token } = await loginWeb(app, 'orders');
    expect((await postAsWeb(app, '/introspect', { token: refresh_token!, token_type_hint: '' })).body.active).toBe(true);
    expect((await postAsWeb(app, '/revoke', { token: refresh_token!, token_type_hint: '' })).status).toBe(200);
    expect((await postAsWeb(app, '/introspect', { token: refresh_token! })).body.active).toBe(false);
  });

  it.each([
    ['/token', 'grant_type=', 'Missing required parameter: grant_type'],
    ['/token', 'grant_type=password&username=&password=x', 'Missing required parameter: username'],
    ['/token', 'grant_type=password&username=&password=', 'Missing required parameters: username, password'],
    ['/token', 'grant_type=refresh_token&refresh_token=', 'Missing required parameter: refresh_token'],
    ['/revoke', 'token=', 'Missing required parameter: token'],
    ['/introspect', 'token=&token_type_hint=', 'Missing required parameter: token'],
  ])('a required parameter sent empty at %s (%s) is reported missing', async (path, body, description) => {
    const res = await request(await makeApp())
      .post(`/oauth2${path}`)
      .set('Authorization', webAuth)
      .type('form')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('client_id= without other credentials is no client authentication (401 invalid_client)', async () => {
    const res = await token(await makeApp(), `${alice}&client_id=`, null);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

it('an empty occurrence still counts: scope=&scope=orders is a repeated parameter', async () => {
  const { app } = await createServer();
  const res = await token(app, `${alice}&scope=&scope=orders`);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Parameter scope is repeated' });
});
