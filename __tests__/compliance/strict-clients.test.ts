// What real clients are strict about (issue 3), one block per point:
// - revocation answers exactly 200 with a JSON content type, and accepts access tokens;
// - every JWT header carries `kid`;
// - `iss` in every token equals the metadata `issuer` exactly; `scope` is a space-separated string; `expires_in` is
//   a JSON number; id_tokens with several audiences carry `azp`;
// - error responses from every endpoint are application/json.
import express from 'express';
import request from 'supertest';
import { basic, createServer, form, loadFixture, verifyUserFrom, WEB_SECRET } from '../helpers/server';
import { decodeJwt, loginWeb, postAsWeb } from '../helpers/login';
import { ecPem, rsaPem } from '../helpers/keys';
import { MemoryStore, passwordGrant, type PasswordGrantOptions } from '../../lib';

async function fullApp(issuer: string, routerPath: string, overrides: Partial<PasswordGrantOptions> = {}) {
  const f = await loadFixture();
  const auth = passwordGrant({
    issuer,
    signingKeys: [
      { kid: 'rsa', alg: 'RS256', key: rsaPem() },
      { kid: 'ec', alg: 'ES256', key: ecPem() },
    ],
    findClient: (id) => f.clients.get(id) ?? null,
    verifyUser: verifyUserFrom(f),
    findUser: (sub) => ({ id: sub, claims: { name: 'N' } }),
    store: new MemoryStore(),
    ...overrides,
  });
  const app = express();
  app.use(auth.discovery);
  app.use(routerPath, auth.router);
  app.get('/api', auth.requireToken({ scope: 'admin' }), (_req, res) => {
    res.json({});
  });
  return app;
}

async function passwordLogin(app: express.Express, routerPath: string, scope: string) {
  return request(app)
    .post(`${routerPath}/token`)
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope }));
}

describe('revocation: exactly 200 with a JSON content type', () => {
  it.each([
    ['a refresh token', 'refresh_token', undefined],
    ['an access token without hint', 'access_token', undefined],
    ['an access token with the hint refresh_token', 'access_token', 'refresh_token'],
    ['an access token with the hint access_token', 'access_token', 'access_token'],
    ['an unknown token', 'unknown', undefined],
  ])('for %s', async (_name, which, hint) => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    const token = which === 'unknown' ? 'nope' : (tokens as unknown as Record<string, string>)[which];
    const params: Record<string, string> = { token };
    if (hint) params.token_type_hint = hint;
    const res = await postAsWeb(app, '/revoke', params);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.text)).toEqual({});
  });
});

describe('every JWT carries kid, and iss equal to the metadata issuer', () => {
  it.each([
    ['an origin issuer', 'https://auth.example.com', '/oauth2', { endpointsBaseUrl: 'https://auth.example.com/oauth2' }],
    ['an origin issuer with a terminating slash', 'https://auth.example.com/', '/oauth2', { endpointsBaseUrl: 'https://auth.example.com/oauth2' }],
    ['an issuer with a path', 'https://example.com/tenant1', '/tenant1', {}],
  ])('%s', async (_name, issuer, routerPath, overrides) => {
    const app = await fullApp(issuer, routerPath, overrides);
    const wellKnown = new URL(issuer).pathname.replace(/\/$/, '') + '/.well-known/openid-configuration';
    const metadata = (await request(app).get(wellKnown)).body;
    expect(metadata.issuer).toBe(issuer);
    const jwks = (await request(app).get(new URL(metadata.jwks_uri).pathname)).body.keys.map((k: { kid: string }) => k.kid);
    expect(jwks).toEqual(['rsa', 'ec']);

    const login = (await passwordLogin(app, routerPath, 'openid profile orders')).body;
    const refreshed = (
      await request(app)
        .post(`${routerPath}/token`)
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(form({ grant_type: 'refresh_token', refresh_token: login.refresh_token }))
    ).body;
    for (const token of [login.access_token, login.id_token, refreshed.access_token]) {
      const { header, payload } = decodeJwt(token);
      expect(header.kid).toBe('rsa');
      expect(jwks).toContain(header.kid);
      expect(payload.iss).toBe(metadata.issuer);
    }
    const introspection = (
      await request(app)
        .post(`${routerPath}/introspect`)
        .set('Authorization', basic('web', WEB_SECRET))
        .type('form')
        .send(form({ token: login.access_token }))
    ).body;
    expect(introspection.iss).toBe(metadata.issuer);
  });
});

describe('scope is a space-separated string, expires_in a JSON number', () => {
  it('in token and refresh responses, access token claims and introspection', async () => {
    const { app } = await createServer();
    const login = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'openid orders profile' }));
    expect(login.text).toMatch(/"expires_in":3600[,}]/);
    expect(login.body.scope).toBe('openid orders profile');
    const refreshed = await request(app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .type('form')
      .send(form({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token }));
    expect(refreshed.text).toMatch(/"expires_in":3600[,}]/);
    expect(refreshed.body.scope).toBe('openid orders profile');
    expect(decodeJwt(login.body.access_token).payload.scope).toBe('openid orders profile');
    for (const token of [refreshed.body.access_token, refreshed.body.refresh_token]) {
      const introspection = await postAsWeb(app, '/introspect', { token });
      expect(introspection.body.scope).toBe('openid orders profile');
      expect(introspection.text).toMatch(/"exp":\d+[,}]/);
      expect(introspection.text).toMatch(/"iat":\d+[,}]/);
    }
  });
});

describe('id_token audience', () => {
  it('is the client id alone, so no azp is needed (OIDC Core §2: azp is required only with several audiences)', async () => {
    const { app } = await createServer();
    const { id_token } = await loginWeb(app, 'openid');
    const { payload, header } = decodeJwt(id_token!);
    expect(header.kid).toBe('k1');
    const aud = payload.aud;
    if (Array.isArray(aud) && aud.length > 1) expect(payload.azp).toBe('web');
    else expect(aud).toBe('web');
  });
});

describe('error responses from every endpoint are application/json', () => {
  type Send = (app: express.Express) => request.Test;
  const bearer = (t: string) => `Bearer ${t}`;
  const cases: Array<[string, number, Send]> = [
    ['/token without grant_type', 400, (app) => request(app).post('/oauth2/token').type('form').send('')],
    [
      '/token with a bad client secret',
      401,
      (app) => request(app).post('/oauth2/token').set('Authorization', basic('web', 'x')).type('form').send('grant_type=password&username=a&password=b'),
    ],
    ['/token with GET', 405, (app) => request(app).get('/oauth2/token')],
    [
      '/token with an oversized body',
      413,
      (app) =>
        request(app)
          .post('/oauth2/token')
          .type('form')
          .send('a=' + 'x'.repeat(20_000)),
    ],
    ['/revoke without client', 401, (app) => request(app).post('/oauth2/revoke').type('form').send('token=x')],
    ['/revoke without token', 400, (app) => postAsWeb(app, '/revoke', { token_type_hint: 'pct' })],
    ['/revoke with GET', 405, (app) => request(app).get('/oauth2/revoke')],
    ['/introspect without client', 401, (app) => request(app).post('/oauth2/introspect').type('form').send('token=x')],
    ['/introspect without token', 400, (app) => postAsWeb(app, '/introspect', {})],
    ['/introspect with GET', 405, (app) => request(app).get('/oauth2/introspect')],
    ['/jwks with POST', 405, (app) => request(app).post('/oauth2/jwks')],
    ['/userinfo without token', 401, (app) => request(app).get('/oauth2/userinfo')],
    ['/userinfo with a bad token', 401, (app) => request(app).get('/oauth2/userinfo').set('Authorization', bearer('a.b.c'))],
    ['/userinfo with DELETE', 405, (app) => request(app).delete('/oauth2/userinfo')],
    ['discovery with POST', 405, (app) => request(app).post('/.well-known/openid-configuration')],
    ['a protected route without token', 401, (app) => request(app).get('/api')],
    ['a protected route with a bad token', 401, (app) => request(app).get('/api').set('Authorization', bearer('a.b.c'))],
  ];

  it.each(cases)('%s -> %i', async (_name, status, send) => {
    const app = await fullApp('https://auth.example.com', '/oauth2', { endpointsBaseUrl: 'https://auth.example.com/oauth2' });
    const res = await send(app);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(typeof JSON.parse(res.text).error).toBe('string');
  });

  it('/userinfo and a protected route with too little scope -> 403', async () => {
    const app = await fullApp('https://auth.example.com', '/oauth2', { endpointsBaseUrl: 'https://auth.example.com/oauth2' });
    const { access_token } = (await passwordLogin(app, '/oauth2', 'orders')).body;
    for (const path of ['/oauth2/userinfo', '/api']) {
      const res = await request(app).get(path).set('Authorization', bearer(access_token));
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body.error).toBe('insufficient_scope');
    }
  });
});
