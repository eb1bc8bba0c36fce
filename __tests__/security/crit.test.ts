// __tests__/security/crit.test.ts
// The JWS `crit` header on every kind of token the library verifies: access tokens, client assertions, DPoP proofs.
//
// RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not understood and supported by the
// recipient, then the JWS is invalid. Producers MUST NOT include Header Parameter names defined by this
// specification or [JWA] for use with JWS, duplicate names, or names that do not occur as Header Parameter names
// within the JWS in the "crit" list. Producers MUST NOT use the empty list "[]" as the "crit" value." This library
// understands no extension, so any `crit` is refused; the event says whether it was malformed or not understood.

import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { isOAuthError, type Client } from '../../lib';
import { dpopKey, proof } from '../helpers/dpop';
import { JWT_BEARER, TOKEN_URL, assertionClaims, signJwt } from '../helpers/jwt';
import { rsaKeyPair } from '../helpers/keys';
import { AUDIENCE, basic, createServer, form, ISSUER, WEB_SECRET, type TestServer } from '../helpers/server';

const NOT_UNDERSTOOD = 'crit names an extension this server does not understand';
const NOT_A_LIST = 'crit is malformed (not a non-empty list of names)';
const REGISTERED = 'crit is malformed (names a registered header parameter)';

// Each `crit` value, with the reason the event gives.
const CRITS: Array<[string, unknown, string]> = [
  ['an extension we do not understand', ['https://example.com/ext'], NOT_UNDERSTOOD],
  ['b64 (RFC 7797, not supported)', ['b64'], NOT_UNDERSTOOD],
  ['the empty list', [], NOT_A_LIST],
  ['a string instead of a list', 'exp', NOT_A_LIST],
  ['a list holding a number', [1], NOT_A_LIST],
  ['a registered header name (alg)', ['alg'], REGISTERED],
];

/** An access token signed by the server's own key, otherwise valid; `header` members are added. */
function accessToken(header: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: ISSUER,
    sub: 'u-alice',
    aud: AUDIENCE,
    client_id: 'web',
    scope: 'openid profile orders',
    jti: `j-${now}-${Math.random()}`,
    iat: now,
    exp: now + 600,
  };
  return jwt.sign(payload, rsaKeyPair().privateKey, { algorithm: 'RS256', header: { alg: 'RS256', typ: 'at+jwt', kid: 'k1', ...header } });
}

const rejected = (error: string, detail: string) => [{ name: 'token.rejected', payload: expect.objectContaining({ error, detail }) }];

describe('access tokens with crit', () => {
  it('are accepted without crit (the forged token is otherwise valid)', async () => {
    const { app } = await createServer();
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${accessToken()}`)).status).toBe(200);
  });

  it.each(CRITS)('are refused by requireToken with 401 invalid_token when crit is %s', async (_name, crit, detail) => {
    const { app, events } = await createServer();
    const res = await request(app)
      .get('/api/orders')
      .set('Authorization', `Bearer ${accessToken({ crit })}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(events).toEqual(rejected('invalid_token', detail));
  });

  it.each(CRITS)('are refused by auth.verifyAccessToken when crit is %s', async (_name, crit, detail) => {
    const { auth } = await createServer();
    const err = await auth.verifyAccessToken(accessToken({ crit })).catch((e: unknown) => e);
    expect(isOAuthError(err) && err.error).toBe('invalid_token');
    expect(isOAuthError(err) && err.detail).toBe(detail);
  });

  it('are refused at /userinfo with 401 invalid_token', async () => {
    const { app } = await createServer({ findUser: () => ({ id: 'u-alice' }) });
    expect((await request(app).get('/oauth2/userinfo').set('Authorization', `Bearer ${accessToken()}`)).status).toBe(200);
    const res = await request(app)
      .get('/oauth2/userinfo')
      .set('Authorization', `Bearer ${accessToken({ crit: ['x'] })}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('are inactive at /introspect', async () => {
    const { app } = await createServer();
    const introspect = (token: string) =>
      request(app).post('/oauth2/introspect').set('Authorization', basic('web', WEB_SECRET)).type('form').send(form({ token }));
    expect((await introspect(accessToken())).body.active).toBe(true);
    expect((await introspect(accessToken({ crit: ['x'] }))).body).toEqual({ active: false });
  });
});

describe('client assertions with crit', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const client: Client = {
    id: 'pk-crit',
    grants: ['password'],
    scopes: ['orders'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'c1' } as { kty: string }] },
  };
  const server = async (): Promise<TestServer> => {
    const base = await createServer();
    return createServer({ findClient: (id) => (id === client.id ? client : (base.fixture.clients.get(id) ?? null)) });
  };
  const send = (s: TestServer, header: Record<string, unknown>) =>
    request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(
        form({
          grant_type: 'password',
          username: 'alice',
          password: 'correct horse',
          scope: 'orders',
          client_assertion_type: JWT_BEARER,
          client_assertion: signJwt(assertionClaims('pk-crit'), rsa.privateKey, 'RS256', { kid: 'c1', ...header }),
        }),
      );

  it('are accepted without crit', async () => {
    expect((await send(await server(), {})).status).toBe(200);
  });

  it.each(CRITS)('are refused with 401 invalid_client when crit is %s', async (_name, crit, detail) => {
    const s = await server();
    const res = await send(s, { crit });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(s.events).toEqual([{ name: 'client.failed', payload: expect.objectContaining({ error: 'invalid_client', detail: `assertion ${detail}` }) }]);
  });
});

describe('DPoP proofs with crit', () => {
  const key = dpopKey('ES256');
  const send = (s: TestServer, dpop: string) =>
    request(s.app)
      .post('/oauth2/token')
      .set('DPoP', dpop)
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse' }));

  it.each(CRITS)('are refused with 400 invalid_dpop_proof when crit is %s', async (_name, crit, detail) => {
    const s = await createServer();
    const res = await send(s, proof(key, { htu: TOKEN_URL, header: { crit } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(s.events).toEqual(rejected('invalid_dpop_proof', detail));
  });
});
