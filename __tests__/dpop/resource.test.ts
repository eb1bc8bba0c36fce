// __tests__/dpop/resource.test.ts
// RFC 9449 §7: requireToken, the passport strategy and verifyAccessToken with DPoP-bound access tokens.
//
// RFC 9449 §7.1: "the resource server MUST check that the DPoP proof ... the value of the ath claim equals the hash
// of that access token, and ... the public key to which the access token is bound matches the public key from the
// DPoP proof." §7.2: a DPoP-bound access token sent with the Bearer scheme must be refused.

import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { claimsOf, dpopKey, proof } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { createServer, form, type TestServer } from '../helpers/server';

const key = dpopKey('ES256');
const other = dpopKey('ES256');
const API = 'http://api.example.com/api/orders';

async function boundToken(s: TestServer, k = key): Promise<string> {
  const res = await request(s.app)
    .post('/oauth2/token')
    .set('DPoP', proof(k, { htu: TOKEN_URL }))
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders profile' }));
  expect(res.body.token_type).toBe('DPoP');
  return res.body.access_token as string;
}

function get(s: TestServer, path: string, authorization: string, dpop?: string) {
  let req = request(s.app).get(path).set('Host', 'api.example.com').set('Authorization', authorization);
  if (dpop !== undefined) req = req.set('DPoP', dpop);
  return req;
}

describe('requireToken with DPoP-bound tokens', () => {
  it('accepts Authorization: DPoP with a proof of the bound key for this method and URL', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    const res = await get(s, '/api/orders?page=2', `DPoP ${at}`, proof(key, { htm: 'GET', htu: API, accessToken: at }));
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe('u-alice');
  });

  it('honours trust proxy for the proof URL', async () => {
    const s = await createServer();
    s.app.set('trust proxy', true);
    const at = await boundToken(s);
    const res = await request(s.app)
      .get('/api/orders')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'api.example.com')
      .set('Authorization', `DPoP ${at}`)
      .set('DPoP', proof(key, { htm: 'GET', htu: 'https://api.example.com/api/orders', accessToken: at }));
    expect(res.status).toBe(200);
  });

  it('refuses a bound token presented as Bearer, with a DPoP challenge', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    const res = await get(s, '/api/orders', `Bearer ${at}`, proof(key, { htm: 'GET', htu: API, accessToken: at }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(
      /^DPoP realm="https:\/\/auth\.example\.com", error="invalid_token", error_description="[^"]+", algs="ES256 [^"]*EdDSA"$/,
    );
    expect(s.events).toContainEqual({ name: 'token.rejected', payload: expect.objectContaining({ detail: 'DPoP-bound token presented as Bearer' }) });
  });

  it('refuses a bound token as Bearer even after it was accepted (and cached) with a proof', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    expect((await get(s, '/api/orders', `DPoP ${at}`, proof(key, { htm: 'GET', htu: API, accessToken: at }))).status).toBe(200);
    const res = await get(s, '/api/orders', `Bearer ${at}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    // And a cached bound token still needs a fresh proof with the DPoP scheme.
    const noProof = await get(s, '/api/orders', `DPoP ${at}`);
    expect(noProof.status).toBe(401);
    expect(noProof.body.error).toBe('invalid_dpop_proof');
  });

  it('refuses an unbound token presented with the DPoP scheme', async () => {
    const s = await createServer();
    const res0 = await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' }));
    const at = res0.body.access_token as string;
    const res = await get(s, '/api/orders', `DPoP ${at}`, proof(key, { htm: 'GET', htu: API, accessToken: at }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP /);
    // Sent as Bearer, the same unbound token works.
    expect((await get(s, '/api/orders', `Bearer ${at}`)).status).toBe(200);
  });

  it('answers 401 invalid_dpop_proof when the DPoP scheme comes without a proof', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    const res = await get(s, '/api/orders', `DPoP ${at}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP realm="[^"]+", error="invalid_dpop_proof"/);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['htm is POST', (at: string) => proof(key, { htm: 'POST', htu: API, accessToken: at }), 'invalid_dpop_proof', 'htm does not match the request method'],
    [
      'htu is another resource',
      (at: string) => proof(key, { htm: 'GET', htu: 'http://api.example.com/api/me', accessToken: at }),
      'invalid_dpop_proof',
      'htu does not match the request URL',
    ],
    [
      'htu uses https while the request is http',
      (at: string) => proof(key, { htm: 'GET', htu: 'https://api.example.com/api/orders', accessToken: at }),
      'invalid_dpop_proof',
      'htu does not match the request URL',
    ],
    [
      'ath is missing',
      (at: string) => proof(key, { htm: 'GET', htu: API, accessToken: at, claims: { ath: undefined } }),
      'invalid_dpop_proof',
      'ath does not match the access token',
    ],
    [
      'ath hashes another token',
      (at: string) => proof(key, { htm: 'GET', htu: API, accessToken: `${at}x` }),
      'invalid_dpop_proof',
      'ath does not match the access token',
    ],
    [
      'iat is stale',
      (at: string) => proof(key, { htm: 'GET', htu: API, accessToken: at, claims: { iat: now() - 300 } }),
      'invalid_dpop_proof',
      'iat is too old',
    ],
    [
      'the proof is made with another key',
      (at: string) => proof(other, { htm: 'GET', htu: API, accessToken: at }),
      'invalid_token',
      'DPoP proof key does not match the token binding',
    ],
    [
      'typ is wrong',
      (at: string) => proof(key, { htm: 'GET', htu: API, accessToken: at, header: { typ: 'jwt' } }),
      'invalid_dpop_proof',
      'typ is not dpop+jwt',
    ],
  ])('answers 401 when %s', async (_name, make, error, detail) => {
    const s = await createServer();
    const at = await boundToken(s);
    const res = await get(s, '/api/orders', `DPoP ${at}`, make(at));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe(error);
    expect(res.headers['www-authenticate']).toMatch(new RegExp(`^DPoP realm="[^"]+", error="${error}"`));
    expect(s.events).toContainEqual({ name: 'token.rejected', payload: expect.objectContaining({ error, detail }) });
  });

  it('accepts each proof once at a resource: a replayed jti is invalid_dpop_proof', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    const p = proof(key, { htm: 'GET', htu: API, accessToken: at });
    expect((await get(s, '/api/orders', `DPoP ${at}`, p)).status).toBe(200);
    const again = await get(s, '/api/orders', `DPoP ${at}`, p);
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_dpop_proof');
  });

  it('answers 403 insufficient_scope with a DPoP challenge naming the scope', async () => {
    const s = await createServer();
    s.app.get('/api/admin', s.auth.requireToken({ scope: 'admin' }), (_req, res) => {
      res.json({});
    });
    const at = await boundToken(s);
    const res = await get(s, '/api/admin', `DPoP ${at}`, proof(key, { htm: 'GET', htu: 'http://api.example.com/api/admin', accessToken: at }));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP realm="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="admin", algs="/);
  });

  it('keeps plain Bearer challenges for Bearer requests', async () => {
    const s = await createServer();
    const res = await get(s, '/api/orders', 'Bearer abc.def.ghi');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
  });

  it('asks a request without a token for DPoP when dpop.required (RFC 9449 §7.1), for Bearer otherwise', async () => {
    const required = await createServer({ dpop: { required: true, algorithms: ['ES256', 'EdDSA'] } });
    const res = await request(required.app).get('/api/orders');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('DPoP realm="https://auth.example.com", algs="ES256 EdDSA"');
    expect(res.body.error).toBe('invalid_request');
    const optional = await createServer();
    expect((await request(optional.app).get('/api/orders')).headers['www-authenticate']).toBe('Bearer realm="https://auth.example.com"');
  });
});

describe('the passport strategy with DPoP-bound tokens', () => {
  it('authenticates with a proof and fails a bound token sent as Bearer', async () => {
    const s = await createServer();
    const app = express();
    app.use('/oauth2', s.auth.router);
    passport.use(s.auth.strategy());
    app.get('/api/orders', passport.authenticate('oauth2-bearer', { session: false }), (req, res) => {
      res.json({ sub: req.auth?.sub });
    });
    const at = await boundToken({ ...s, app });
    const ok = await request(app)
      .get('/api/orders')
      .set('Host', 'api.example.com')
      .set('Authorization', `DPoP ${at}`)
      .set('DPoP', proof(key, { htm: 'GET', htu: API, accessToken: at }));
    expect(ok.status).toBe(200);
    expect(ok.body.sub).toBe('u-alice');
    const bearer = await request(app).get('/api/orders').set('Host', 'api.example.com').set('Authorization', `Bearer ${at}`);
    expect(bearer.status).toBe(401);
    expect(bearer.headers['www-authenticate']).toMatch(/^DPoP /);
  });
});

describe('verifyAccessToken with DPoP-bound tokens', () => {
  it('rejects a bound token without options.dpop and accepts it with a valid presentation', async () => {
    const s = await createServer();
    const at = await boundToken(s);
    await expect(s.auth.verifyAccessToken(at)).rejects.toMatchObject({ error: 'invalid_token', detail: 'DPoP-bound token presented as Bearer' });
    const url = 'https://rs.example.com/orders?x=1';
    const auth = await s.auth.verifyAccessToken(at, { dpop: { proof: proof(key, { htm: 'GET', htu: url, accessToken: at }), method: 'GET', url } });
    expect(auth.claims.cnf).toEqual(claimsOf(at).cnf);
    await expect(
      s.auth.verifyAccessToken(at, { dpop: { proof: proof(key, { htm: 'GET', htu: url, accessToken: at }), method: 'DELETE', url } }),
    ).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 401 });
  });

  it('accepts an unbound token without options.dpop, and refuses it with the DPoP scheme', async () => {
    const s = await createServer();
    const res = await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' }));
    const at = res.body.access_token as string;
    await expect(s.auth.verifyAccessToken(at)).resolves.toMatchObject({ sub: 'u-alice' });
    await expect(s.auth.verifyAccessToken(at, { dpop: { scheme: 'DPoP', proof: 'x', method: 'GET', url: API } })).rejects.toMatchObject({
      error: 'invalid_token',
    });
  });
});

describe('DPoP under Express 4', () => {
  it('binds at the token endpoint and checks the proof at the resource', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const express4 = require('express4') as typeof express;
    const s = await createServer({}, express4);
    const at = await boundToken(s);
    const ok = await get(s, '/api/orders', `DPoP ${at}`, proof(key, { htm: 'GET', htu: API, accessToken: at }));
    expect(ok.status).toBe(200);
    const bad = await get(s, '/api/orders', `DPoP ${at}`, proof(key, { htm: 'GET', htu: 'http://api.example.com/other', accessToken: at }));
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_dpop_proof');
  });
});
