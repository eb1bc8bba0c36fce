// __tests__/dpop/nonce.test.ts
// RFC 9449 §8 and §9: server-provided nonces, at the token endpoint and at protected resources.
//
// RFC 9449 §8: "the authorization server responds to a token request without a nonce, or with an invalid one, with
// an HTTP 400 error response, error "use_dpop_nonce", and a DPoP-Nonce header with the nonce the client must use".
// §9: a resource server answers 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a DPoP-Nonce header.

import request from 'supertest';
import { ConfigError, passwordGrant } from '../../lib';
import { dpopKey, proof } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { rsaPem } from '../helpers/keys';
import { createServer, form, ISSUER, type TestServer } from '../helpers/server';

const key = dpopKey('ES256');
const login = form({ grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' });
const SECRET = 'a nonce secret shared by every process, 32+ bytes';

const tokenWith = (s: TestServer, dpop: string) => request(s.app).post('/oauth2/token').set('DPoP', dpop).type('form').send(login);

describe('DPoP nonces at the token endpoint', () => {
  it('asks for a nonce with 400 use_dpop_nonce and a DPoP-Nonce header, then accepts the retried proof', async () => {
    const s = await createServer({ dpop: { nonce: true } });
    const first = await tokenWith(s, proof(key, { htu: TOKEN_URL }));
    expect(first.status).toBe(400);
    expect(first.body).toEqual({ error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' });
    const nonce = first.headers['dpop-nonce'];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const retry = await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce } }));
    expect(retry.status).toBe(200);
    expect(retry.body.token_type).toBe('DPoP');
  });

  it.each([
    ['a made-up nonce', 'bm90IGEgcmVhbCBub25jZSBhdCBhbGw'],
    ['an empty nonce', ''],
    ['a number', 12345],
  ])('answers use_dpop_nonce for %s', async (_name, nonce) => {
    const s = await createServer({ dpop: { nonce: true } });
    const res = await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('use_dpop_nonce');
    expect(typeof res.headers['dpop-nonce']).toBe('string');
  });

  it('accepts a nonce from another instance only when both share the secret', async () => {
    const a = await createServer({ dpop: { nonce: { secret: SECRET } } });
    const b = await createServer({ dpop: { nonce: { secret: SECRET } } });
    const c = await createServer({ dpop: { nonce: true } });
    const nonce = (await tokenWith(a, proof(key, { htu: TOKEN_URL }))).headers['dpop-nonce'];
    expect((await tokenWith(b, proof(key, { htu: TOKEN_URL, claims: { nonce } }))).status).toBe(200);
    expect((await tokenWith(c, proof(key, { htu: TOKEN_URL, claims: { nonce } }))).body.error).toBe('use_dpop_nonce');
  });

  it('expires a nonce after one to two lifetimes', async () => {
    let clock = Date.now();
    const s = await createServer({ now: () => clock, dpop: { nonce: { secret: SECRET, lifetime: 60 } } });
    const nonce = (await tokenWith(s, proof(key, { htu: TOKEN_URL }))).headers['dpop-nonce'];
    clock += 60_000;
    const iat = () => Math.floor(clock / 1000);
    expect((await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce, iat: iat() } }))).status).toBe(200);
    clock += 60_000;
    const stale = await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce, iat: iat() } }));
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('use_dpop_nonce');
    expect(stale.headers['dpop-nonce']).not.toBe(nonce);
  });

  it('hands out the current nonce on success (RFC 9449 §8.2), so a long-running client never has to retry', async () => {
    let clock = Date.now();
    const s = await createServer({ now: () => clock, dpop: { nonce: { secret: SECRET, lifetime: 60 } } });
    const iat = () => Math.floor(clock / 1000);
    let nonce = (await tokenWith(s, proof(key, { htu: TOKEN_URL }))).headers['dpop-nonce'];
    // Three lifetimes later the first nonce is long dead, yet each success handed over its successor.
    for (let i = 0; i < 3; i++) {
      const ok = await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce, iat: iat() } }));
      expect(ok.status).toBe(200);
      expect(ok.headers['dpop-nonce']).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      nonce = ok.headers['dpop-nonce'];
      clock += 60_000;
    }
    expect((await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce, iat: iat() } }))).status).toBe(200);
  });

  it('sends no DPoP-Nonce when nonces are off, or on a Bearer request', async () => {
    const off = await createServer({ dpop: {} });
    const res = await tokenWith(off, proof(key, { htu: TOKEN_URL }));
    expect(res.status).toBe(200);
    expect(res.headers['dpop-nonce']).toBeUndefined();
    const on = await createServer({ dpop: { nonce: true } });
    const bearer = await request(on.app).post('/oauth2/token').type('form').send(login);
    expect(bearer.status).toBe(200);
    expect(bearer.headers['dpop-nonce']).toBeUndefined();
  });

  it.each([
    [{ secret: 'short' }, 'ERR_EPG_WEAK_KEY', 'options.dpop.nonce.secret must be at least 32 bytes'],
    [{ lifetime: 0 }, 'ERR_EPG_INVALID_OPTION', 'options.dpop.nonce.lifetime must be a positive integer'],
    [{ ttl: 5 }, 'ERR_EPG_UNKNOWN_OPTION', 'options.dpop.nonce.ttl is not a known option'],
    ['yes', 'ERR_EPG_INVALID_OPTION', 'options.dpop.nonce must be a boolean or an object { secret, lifetime }'],
  ])('rejects dpop.nonce %j at construction', (nonce, code, message) => {
    const options = { issuer: ISSUER, signingKeys: { kid: 'k', alg: 'RS256' as const, key: rsaPem() }, findClient: () => null, verifyUser: () => null };
    let thrown: unknown;
    try {
      passwordGrant({ ...options, dpop: { nonce: nonce as never } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ code, message });
  });
});

describe('DPoP nonces at protected resources', () => {
  it('answers 401 with a use_dpop_nonce DPoP challenge and a DPoP-Nonce header, then accepts the retry', async () => {
    const s = await createServer({ dpop: { nonce: true } });
    const nonce = (await tokenWith(s, proof(key, { htu: TOKEN_URL }))).headers['dpop-nonce'];
    const at = (await tokenWith(s, proof(key, { htu: TOKEN_URL, claims: { nonce } }))).body.access_token as string;
    const api = 'http://api.example.com/api/orders';
    const get = (dpop: string) => request(s.app).get('/api/orders').set('Host', 'api.example.com').set('Authorization', `DPoP ${at}`).set('DPoP', dpop);
    const first = await get(proof(key, { htm: 'GET', htu: api, accessToken: at }));
    expect(first.status).toBe(401);
    expect(first.body.error).toBe('use_dpop_nonce');
    expect(first.headers['www-authenticate']).toMatch(/^DPoP realm="[^"]+", error="use_dpop_nonce", error_description="[^"]+", algs="/);
    const fresh = first.headers['dpop-nonce'];
    expect(typeof fresh).toBe('string');
    const retry = await get(proof(key, { htm: 'GET', htu: api, accessToken: at, claims: { nonce: fresh } }));
    expect(retry.status).toBe(200);
    // RFC 9449 §9: the success carries the nonce to use next.
    const next = retry.headers['dpop-nonce'];
    expect(next).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await get(proof(key, { htm: 'GET', htu: api, accessToken: at, claims: { nonce: next } }))).status).toBe(200);
  });
});
