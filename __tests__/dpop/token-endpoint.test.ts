// __tests__/dpop/token-endpoint.test.ts
// RFC 9449 §4.3 and §5: DPoP proofs at the token endpoint bind access and refresh tokens to the client's key.
//
// RFC 9449 §5: "When an authorization server supporting DPoP issues an access token in the presence of a DPoP
// proof that is bound to a public key, it MUST ... return a token_type of DPoP ... Refresh tokens issued to public
// clients are bound to the DPoP key". §4.3 lists the checks a proof must pass.

import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { ConfigError, jwkThumbprint, MemoryStore, passwordGrant, type Client } from '../../lib';
import { claimsOf, dpopKey, proof, type DpopKey } from '../helpers/dpop';
import { TOKEN_URL, unsigned } from '../helpers/jwt';
import { rsaPem } from '../helpers/keys';
import { basic, createServer, form, ISSUER, WEB_SECRET, type TestServer } from '../helpers/server';

const key = dpopKey('ES256');
const other = dpopKey('ES256');
const jkt = (k: DpopKey) => jwkThumbprint(k.publicKey);

const EXTRA: Client[] = [{ id: 'bound-cli', grants: ['password', 'refresh_token'], scopes: ['orders'], dpopBoundAccessTokens: true }];

async function server(overrides: Parameters<typeof createServer>[0] = {}): Promise<TestServer> {
  const base = await createServer();
  const extra = new Map(EXTRA.map((c) => [c.id, c]));
  return createServer({ findClient: (id) => extra.get(id) ?? base.fixture.clients.get(id) ?? null, ...overrides });
}

const cliLogin = { grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' };

function token(s: TestServer, params: Record<string, string>, dpop?: string | string[], authorization?: string) {
  let req = request(s.app).post('/oauth2/token').type('form');
  if (dpop !== undefined) req = req.set('DPoP', dpop as string);
  if (authorization !== undefined) req = req.set('Authorization', authorization);
  return req.send(form(params));
}

describe('binding at the token endpoint', () => {
  it('issues token_type DPoP and cnf.jkt = the RFC 7638 thumbprint of the proof key', async () => {
    const s = await server();
    const res = await token(s, cliLogin, proof(key, { htu: TOKEN_URL }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: jkt(key) });
  });

  it('stays Bearer without a proof, unless required', async () => {
    const s = await server();
    const res = await token(s, cliLogin);
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(claimsOf(res.body.access_token).cnf).toBeUndefined();
  });

  it('accepts the proof of a confidential client with Basic authentication, and RS256 and PS256 keys', async () => {
    const s = await server();
    for (const k of [dpopKey('RS256'), dpopKey('PS256')]) {
      const res = await token(
        s,
        { grant_type: 'password', username: 'alice', password: 'correct horse' },
        proof(k, { htu: TOKEN_URL }),
        basic('web', WEB_SECRET),
      );
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: jkt(k) });
    }
  });

  it('accepts htu naming the URL the request reached (Host header), ignoring its query', async () => {
    const s = await server();
    const res = await request(s.app)
      .post('/oauth2/token')
      .set('Host', 'login.internal:8080')
      .set('DPoP', proof(key, { htu: 'http://login.internal:8080/oauth2/token?x=1' }))
      .type('form')
      .send(form(cliLogin));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
  });

  it('honours trust proxy for the scheme and host of htu', async () => {
    const s = await server();
    s.app.set('trust proxy', true);
    const res = await request(s.app)
      .post('/oauth2/token')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'edge.example.net')
      .set('DPoP', proof(key, { htu: 'https://edge.example.net/oauth2/token' }))
      .type('form')
      .send(form(cliLogin));
    expect(res.status).toBe(200);
  });

  it.each([
    ['dpop.required is set', { dpop: { required: true } }, 'cli'],
    ['the client has dpopBoundAccessTokens', {}, 'bound-cli'],
  ])('answers 400 invalid_dpop_proof without a proof when %s', async (_name, overrides, clientId) => {
    const s = await server({
      ...overrides,
      verifyUser: () => {
        throw new Error('should not be called');
      },
    });
    const res = await token(s, { ...cliLogin, client_id: clientId });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(res.headers['cache-control']).toBe('no-store');
    const ok = await token(await server(overrides), { ...cliLogin, client_id: clientId }, proof(key, { htu: TOKEN_URL }));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('DPoP');
  });

  it('ignores DPoP proofs when dpop is false', async () => {
    const s = await server({ dpop: false });
    const res = await token(s, cliLogin, 'not even a jwt');
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });
});

describe('proof checks (RFC 9449 §4.3)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => string | string[], string]> = [
    ['the proof is not a JWT', () => 'garbage', 'proof is not a JWT'],
    ['typ is JWT', () => proof(key, { htu: TOKEN_URL, header: { typ: 'JWT' } }), 'typ is not dpop+jwt'],
    ['typ is missing', () => proof(key, { htu: TOKEN_URL, header: { typ: undefined } }), 'typ is not dpop+jwt'],
    [
      'alg is none',
      () => unsigned({ jti: 'x', htm: 'POST', htu: TOKEN_URL, iat: now() }, { typ: 'dpop+jwt', jwk: key.jwk }),
      'alg is not an allowed asymmetric algorithm',
    ],
    [
      'alg is HS256 (symmetric)',
      () => {
        const hsKey = { ...key, alg: 'HS256' as const, privateKey: key.privateKey };
        return proof(hsKey, { htu: TOKEN_URL, signWith: 'a secret that is long enough for hs256!' as never });
      },
      'alg is not an allowed asymmetric algorithm',
    ],
    ['the jwk header is missing', () => proof(key, { htu: TOKEN_URL, header: { jwk: undefined } }), 'missing jwk header'],
    [
      'the jwk carries the private key',
      () => proof(key, { htu: TOKEN_URL, header: { jwk: key.privateKey.export({ format: 'jwk' }) } }),
      'jwk carries private key material',
    ],
    ['the jwk is a symmetric key', () => proof(key, { htu: TOKEN_URL, header: { jwk: { kty: 'oct', k: 'AAAA' } } }), 'jwk carries private key material'],
    [
      'the signature is by another key than the jwk',
      () => proof(key, { htu: TOKEN_URL, signWith: other.privateKey }),
      'signature does not verify with the jwk',
    ],
    ['htm is GET', () => proof(key, { htu: TOKEN_URL, htm: 'GET' }), 'htm does not match the request method'],
    ['htm is lowercase post', () => proof(key, { htu: TOKEN_URL, htm: 'post' }), 'htm does not match the request method'],
    ['htu names another path', () => proof(key, { htu: `${ISSUER}/oauth2/revoke` }), 'htu does not match the request URL'],
    ['htu names another host', () => proof(key, { htu: 'https://evil.example.com/oauth2/token' }), 'htu does not match the request URL'],
    ['htu is missing', () => proof(key, { htu: TOKEN_URL, claims: { htu: undefined } }), 'htu does not match the request URL'],
    ['iat is two minutes old', () => proof(key, { htu: TOKEN_URL, claims: { iat: now() - 120 } }), 'iat is too old'],
    ['iat is two minutes ahead', () => proof(key, { htu: TOKEN_URL, claims: { iat: now() + 120 } }), 'iat is in the future'],
    ['jti is missing', () => proof(key, { htu: TOKEN_URL, claims: { jti: undefined } }), 'missing or oversized jti'],
    ['two DPoP headers are sent', () => [proof(key, { htu: TOKEN_URL }), proof(key, { htu: TOKEN_URL })], 'more than one DPoP header'],
  ];

  // Each case differs from a valid proof in one way only, so each fails if its check is removed.
  it.each(cases)('answers 400 invalid_dpop_proof when %s', async (_name, make, detail) => {
    const s = await server({
      verifyUser: () => {
        throw new Error('should not be called');
      },
    });
    const res = await token(s, cliLogin, make());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(s.events).toEqual([{ name: 'token.rejected', payload: expect.objectContaining({ error: 'invalid_dpop_proof', detail }) }]);
    // The detail is private: it is not on the wire.
    expect(JSON.stringify(res.body)).not.toContain(detail);
  });

  it('rejects an algorithm outside dpop.algorithms', async () => {
    const s = await server({ dpop: { algorithms: ['ES256'] } });
    const res = await token(s, cliLogin, proof(dpopKey('RS256'), { htu: TOKEN_URL }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect((await token(s, cliLogin, proof(key, { htu: TOKEN_URL }))).status).toBe(200);
  });

  it('accepts each proof once: a replayed jti is invalid_dpop_proof', async () => {
    const s = await server();
    const p = proof(key, { htu: TOKEN_URL });
    expect((await token(s, cliLogin, p)).status).toBe(200);
    const again = await token(s, cliLogin, p);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_dpop_proof');
  });

  // The jti is remembered until the proof's own iat stops it being accepted (iat + proofMaxAge + clockTolerance),
  // also with a fractional tolerance, and for a proof whose iat lies in the future within the tolerance.
  it.each([
    ['an iat of now, a fractional tolerance', 0, 2.5],
    ['an iat in the future within the tolerance', 5, 5],
  ])('refuses a replay in the last second the proof is still accepted (%s)', async (_name, ahead, clockTolerance) => {
    const t = 1_700_000_000;
    const clock = { ms: t * 1000 };
    const s = await server({ now: () => clock.ms, store: new MemoryStore({ now: () => clock.ms }), clockTolerance, dpop: { proofMaxAge: 10 } });
    const p = proof(key, { htu: TOKEN_URL, claims: { iat: t + ahead } });
    expect((await token(s, cliLogin, p)).status).toBe(200);
    // Accepted while now - iat <= proofMaxAge + clockTolerance on the whole-second clock: the last such second, 900 ms in.
    clock.ms = (t + ahead + 10 + Math.floor(clockTolerance)) * 1000 + 900;
    expect((await token(s, cliLogin, proof(key, { htu: TOKEN_URL, claims: { iat: t + ahead } }))).status).toBe(200);
    const again = await token(s, cliLogin, p);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_dpop_proof');
    clock.ms += 1000;
    expect((await token(s, cliLogin, proof(key, { htu: TOKEN_URL, claims: { iat: t + ahead } }))).body.error).toBe('invalid_dpop_proof');
  });

  it('lets exactly one of two concurrent requests with the same proof through', async () => {
    const s = await server();
    const p = proof(key, { htu: TOKEN_URL });
    const statuses = (await Promise.all([token(s, cliLogin, p), token(s, cliLogin, p)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
  });

  it('answers 503 when the replay cache fails', async () => {
    const store = new MemoryStore();
    store.claimOnce = () => Promise.reject(new Error('down'));
    const s = await server({ store });
    const res = await token(s, cliLogin, proof(key, { htu: TOKEN_URL }));
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
  });
});

describe('bound refresh tokens (RFC 9449 §5)', () => {
  async function boundLogin(s: TestServer, params: Record<string, string> = cliLogin, authorization?: string) {
    const res = await token(s, params, proof(key, { htu: TOKEN_URL }), authorization);
    expect(res.status).toBe(200);
    return res.body.refresh_token as string;
  }

  it("refreshes a public client's bound token with the same key, keeping the binding", async () => {
    const s = await server();
    const rt = await boundLogin(s);
    const res = await token(s, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: rt }, proof(key, { htu: TOKEN_URL }));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: jkt(key) });
    // The rotated refresh token is bound as well.
    const next = await token(s, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: res.body.refresh_token }, proof(other, { htu: TOKEN_URL }));
    expect(next.status).toBe(400);
    expect(next.body.error).toBe('invalid_grant');
  });

  it("rejects a public client's bound refresh token with another key (invalid_grant) or without a proof (invalid_dpop_proof)", async () => {
    const s = await server();
    const rt = await boundLogin(s);
    const withOther = await token(s, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: rt }, proof(other, { htu: TOKEN_URL }));
    expect(withOther.status).toBe(400);
    expect(withOther.body.error).toBe('invalid_grant');
    const without = await token(s, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: rt });
    expect(without.status).toBe(400);
    expect(without.body.error).toBe('invalid_dpop_proof');
    // Neither attempt spent the token: the holder of the key still refreshes.
    const ok = await token(s, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: rt }, proof(key, { htu: TOKEN_URL }));
    expect(ok.status).toBe(200);
  });

  it('lets a confidential client move to a new key: its refresh token is bound by client authentication', async () => {
    const s = await server();
    const login = { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders' };
    const rt = await boundLogin(s, login, basic('web', WEB_SECRET));
    const res = await token(s, { grant_type: 'refresh_token', refresh_token: rt }, proof(other, { htu: TOKEN_URL }), basic('web', WEB_SECRET));
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: jkt(other) });
  });
});

describe('dpop options', () => {
  const base = { issuer: ISSUER, signingKeys: { kid: 'k', alg: 'RS256' as const, key: rsaPem() }, findClient: () => null, verifyUser: () => null };
  it.each([
    [{ algorithms: ['HS256'] }, 'ERR_EPG_UNSUPPORTED_ALG', 'options.dpop.algorithms may only contain RS256, RS384'],
    [{ required: 'yes' }, 'ERR_EPG_INVALID_OPTION', 'options.dpop.required must be a boolean'],
    [{ proofMaxAge: 0 }, 'ERR_EPG_INVALID_OPTION', 'options.dpop.proofMaxAge must be a positive integer'],
    [{ nonces: true }, 'ERR_EPG_UNKNOWN_OPTION', 'options.dpop.nonces is not a known option; did you mean nonce?'],
    ['on', 'ERR_EPG_INVALID_OPTION', 'options.dpop must be an object or false'],
  ])('rejects dpop %j', (dpop, code, message) => {
    let thrown: unknown;
    try {
      passwordGrant({ ...base, dpop: dpop as never });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe(code);
    expect((thrown as ConfigError).message).toContain(message);
  });

  it.each([
    [{ audiences: 'x' }, 'ERR_EPG_INVALID_OPTION', 'options.clientAssertion.audiences must be an array of non-empty strings'],
    [{ maxLifetime: -1 }, 'ERR_EPG_INVALID_OPTION', 'options.clientAssertion.maxLifetime must be a positive integer'],
    [{ lifetime: 1 }, 'ERR_EPG_UNKNOWN_OPTION', 'options.clientAssertion.lifetime is not a known option; did you mean maxLifetime?'],
  ])('rejects clientAssertion %j', (clientAssertion, code, message) => {
    expect(() => passwordGrant({ ...base, clientAssertion: clientAssertion as never })).toThrow(expect.objectContaining({ code, message }));
  });

  it('builds the thumbprint from the key, not the JWK spelling', () => {
    expect(jwkThumbprint(createPublicKey({ key: { ...key.jwk, kid: 'extra' } as never, format: 'jwk' }))).toBe(jkt(key));
  });
});
