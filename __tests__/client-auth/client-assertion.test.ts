// __tests__/client-auth/client-assertion.test.ts
// RFC 7523 §2.2 and §3, OIDC Core §9: private_key_jwt and client_secret_jwt at the token endpoint, over HTTP.
//
// RFC 7523 §3: "1. The JWT MUST contain an "iss" (issuer) claim ... For client authentication, this MUST be the
// "client_id" of the OAuth client. 2. ... "sub" (subject) ... MUST be the "client_id" of the OAuth client.
// 3. The JWT MUST contain an "aud" (audience) claim containing a value that identifies the authorization server as
// an intended audience. ... 4. The JWT MUST contain an "exp" (expiration time) claim ... 7. ... The authorization
// server MAY ensure that JWTs are not replayed by maintaining the set of used "jti" values".

import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import request from 'supertest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express4 = require('express4') as typeof express;
import express from 'express';
import { MemoryStore, type Client } from '../../lib';
import { JWT_BEARER, TOKEN_URL, assertionClaims, signEdDsa, signJwt, signRs256Raw, unsigned } from '../helpers/jwt';
import { basic, createServer, form, ISSUER, WEB_SECRET, type TestServer } from '../helpers/server';
import { dpopKey, proof } from '../helpers/dpop';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const SHARED = 'a shared secret of more than thirty-two bytes, for HS256';
const SHARED_512 = 'x'.repeat(64);

const jwk = (key: KeyObject, extra: Record<string, unknown>) => ({ ...key.export({ format: 'jwk' }), ...extra }) as { kty: string };

const CLIENTS: Client[] = [
  {
    id: 'pk-rsa',
    grants: ['password', 'refresh_token'],
    scopes: ['orders', 'offline_access'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [jwk(ec.publicKey, { kid: 'enc', use: 'enc' }), jwk(rsa.publicKey, { kid: 'c1', use: 'sig' })] },
  },
  // No tokenEndpointAuthMethod: a registered key implies private_key_jwt, never a public client.
  { id: 'pk-ec', grants: ['password'], scopes: ['orders'], publicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  { id: 'pk-ed', grants: ['password'], scopes: ['orders'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk(ed.publicKey, { kid: 'ed' })] } },
  { id: 'pk-pinned', grants: ['password'], scopes: ['orders'], publicKey: rsa.publicKey, tokenEndpointAuthSigningAlg: 'PS256' },
  { id: 's-jwt', grants: ['password', 'refresh_token'], scopes: ['orders'], tokenEndpointAuthMethod: 'client_secret_jwt', jwtSecret: SHARED },
  { id: 's-jwt-512', grants: ['password'], scopes: ['orders'], jwtSecret: SHARED_512 },
  { id: 's-jwt-short', grants: ['password'], scopes: ['orders'], tokenEndpointAuthMethod: 'client_secret_jwt', jwtSecret: 'too short' },
];

async function server(overrides: Parameters<typeof createServer>[0] = {}, impl?: typeof express): Promise<TestServer> {
  const base = await createServer({}, impl);
  const extra = new Map(CLIENTS.map((c) => [c.id, c]));
  return createServer(
    {
      findClient: (id) => extra.get(id) ?? base.fixture.clients.get(id) ?? null,
      clientAssertion: { audiences: ['https://public.example.com/auth/token'] },
      ...overrides,
    },
    impl,
  );
}

const rsaAssertion = (claims: Record<string, unknown> = {}, clientId = 'pk-rsa') =>
  signJwt(assertionClaims(clientId, claims), rsa.privateKey, 'RS256', { kid: 'c1' });

function tokenRequest(app: express.Express, params: Record<string, string>) {
  return request(app).post('/oauth2/token').type('form').send(form(params));
}

const login = { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders' };

describe('private_key_jwt', () => {
  it('accepts the Oracle IAM request shape verbatim: client_id in the body plus the assertion', async () => {
    const { app } = await server();
    const assertion = rsaAssertion();
    const body =
      'grant_type=password&username=alice&password=correct%20horse&client_id=pk-rsa' +
      `&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${assertion}` +
      '&scope=orders%20offline_access';
    const res = await request(app).post('/oauth2/token').set('Content-Type', 'application/x-www-form-urlencoded;charset=UTF-8').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'orders offline_access' });
    expect(typeof res.body.refresh_token).toBe('string');
    const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims.client_id).toBe('pk-rsa');
  });

  it('identifies the client by the assertion sub when client_id is absent (RFC 7521 §4.2)', async () => {
    const { app } = await server();
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion() });
    expect(res.status).toBe(200);
  });

  it.each([
    ['the issuer', ISSUER],
    ['the token endpoint URL', TOKEN_URL],
    ['an array holding the token endpoint URL', ['https://other.example.com', TOKEN_URL]],
    ['a configured extra audience', 'https://public.example.com/auth/token'],
  ])('accepts aud = %s', async (_name, aud) => {
    const { app } = await server();
    const res = await tokenRequest(app, { ...login, client_id: 'pk-rsa', client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion({ aud }) });
    expect(res.status).toBe(200);
  });

  it('accepts ES256 with a PEM publicKey and EdDSA with a JWKS', async () => {
    const { app } = await server();
    const es = signJwt(assertionClaims('pk-ec'), ec.privateKey, 'ES256');
    const r1 = await tokenRequest(app, { ...login, client_id: 'pk-ec', client_assertion_type: JWT_BEARER, client_assertion: es });
    expect(r1.status).toBe(200);
    const eddsa = signEdDsa(assertionClaims('pk-ed'), ed.privateKey, { kid: 'ed' });
    const r2 = await tokenRequest(app, { ...login, client_id: 'pk-ed', client_assertion_type: JWT_BEARER, client_assertion: eddsa });
    expect(r2.status).toBe(200);
  });

  it('authenticates the refresh grant the same way', async () => {
    const { app } = await server();
    const first = await tokenRequest(app, { ...login, scope: 'orders offline_access', client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion() });
    expect(first.status).toBe(200);
    const res = await tokenRequest(app, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
      client_assertion_type: JWT_BEARER,
      client_assertion: rsaAssertion(),
    });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).not.toBe(first.body.refresh_token);
  });

  it('works under Express 4', async () => {
    const { app } = await server({}, express4);
    const res = await tokenRequest(app, { ...login, client_id: 'pk-rsa', client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion() });
    expect(res.status).toBe(200);
  });

  it('accepts an assertion once: a replayed jti is invalid_client', async () => {
    const { app, events } = await server();
    const assertion = rsaAssertion();
    const first = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(first.status).toBe(200);
    const again = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
    expect(events).toContainEqual({ name: 'client.failed', payload: expect.objectContaining({ detail: 'assertion jti was already used' }) });
  });

  it('lets exactly one of two concurrent requests with the same assertion through', async () => {
    const { app } = await server();
    const assertion = rsaAssertion();
    const send = () => tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it('derives the token endpoint aud from the mount path, not a fixed /oauth2', async () => {
    const { auth } = await server();
    const app = express();
    app.use('/auth/v1', auth.router);
    const send = (aud: string) =>
      request(app)
        .post('/auth/v1/token')
        .type('form')
        .send(form({ ...login, client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion({ aud }) }));
    expect((await send(`${ISSUER}/auth/v1/token`)).status).toBe(200);
    expect((await send(TOKEN_URL)).status).toBe(401);
  });

  it('never takes the token endpoint aud from the Host header', async () => {
    const { app } = await server();
    const res = await request(app)
      .post('/oauth2/token')
      .set('Host', 'evil.example.com')
      .type('form')
      .send(form({ ...login, client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion({ aud: 'http://evil.example.com/oauth2/token' }) }));
    expect(res.status).toBe(401);
  });

  it('does not spend a jti on an assertion that fails verification', async () => {
    const { app } = await server();
    const jti = randomUUID();
    const forged = signJwt(assertionClaims('pk-rsa', { jti }), otherRsa.privateKey, 'RS256', { kid: 'c1' });
    expect((await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: forged })).status).toBe(401);
    const genuine = rsaAssertion({ jti });
    expect((await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: genuine })).status).toBe(200);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const header = (h: Record<string, unknown>) => Buffer.from(JSON.stringify(h)).toString('base64url');
  const badAssertions: Array<[string, () => string, string]> = [
    ['aud names another server', () => rsaAssertion({ aud: 'https://evil.example.com' }), 'assertion aud does not name this server'],
    ['aud is the token URL under another mount path', () => rsaAssertion({ aud: `${ISSUER}/other/token` }), 'assertion aud does not name this server'],
    ['aud is missing', () => rsaAssertion({ aud: undefined }), 'assertion aud does not name this server'],
    ['it expired', () => rsaAssertion({ exp: now() - 60, iat: now() - 120 }), 'assertion expired'],
    ['exp is missing', () => rsaAssertion({ exp: undefined }), 'assertion has no exp'],
    ['exp is a string', () => signRs256Raw(assertionClaims('pk-rsa', { exp: String(now() + 60) }), rsa.privateKey, { kid: 'c1' }), 'assertion has no exp'],
    ['exp is an hour away', () => rsaAssertion({ exp: now() + 3600 }), 'assertion exp too far in the future'],
    ['nbf is in the future', () => rsaAssertion({ nbf: now() + 120 }), 'assertion nbf is in the future'],
    ['iat is in the future', () => rsaAssertion({ iat: now() + 120 }), 'assertion iat is in the future'],
    ['jti is missing', () => rsaAssertion({ jti: undefined }), 'assertion has no usable jti'],
    ['iss is another client', () => rsaAssertion({ iss: 'web' }), 'assertion iss is not the client_id'],
    ['sub names an unknown client', () => rsaAssertion({ sub: 'nobody', iss: 'nobody' }), 'unknown client'],
    [
      'it is signed by an unregistered key',
      () => signJwt(assertionClaims('pk-rsa'), otherRsa.privateKey, 'RS256', { kid: 'c1' }),
      'assertion signature does not verify',
    ],
    [
      'its kid is unknown',
      () => signJwt(assertionClaims('pk-rsa'), rsa.privateKey, 'RS256', { kid: 'nope' }),
      'no registered key matches the assertion kid/alg',
    ],
    [
      'its kid names the encryption key',
      () => signJwt(assertionClaims('pk-rsa'), ec.privateKey, 'ES256', { kid: 'enc' }),
      'no registered key matches the assertion kid/alg',
    ],
    [
      'its payload was altered after signing',
      () => {
        const [h, , s] = rsaAssertion().split('.');
        return `${h}.${Buffer.from(JSON.stringify(assertionClaims('pk-rsa'))).toString('base64url')}.${s}`;
      },
      'assertion signature does not verify',
    ],
    ['alg is none', () => unsigned(assertionClaims('pk-rsa')), 'assertion signature does not verify'],
    [
      'alg is NONE with a signature',
      () => `${header({ alg: 'NONE' })}.${rsaAssertion().split('.')[1]}.${rsaAssertion().split('.')[2]}`,
      'assertion signature does not verify',
    ],
    // The classic confusion: HMAC keyed with the client's public key, hoping the server verifies it as a secret.
    [
      'it is HS256 keyed with the registered public key',
      () => signJwt(assertionClaims('pk-rsa'), Buffer.from(rsa.publicKey.export({ type: 'spki', format: 'pem' })), 'HS256', { kid: 'c1' }),
      'client uses private_key_jwt, not client_secret_jwt',
    ],
    [
      'it has a crit header',
      () => signJwt(assertionClaims('pk-rsa'), rsa.privateKey, 'RS256', { kid: 'c1', crit: ['exp'] }),
      'assertion crit names an extension this server does not understand',
    ],
    ['it is not a JWT', () => 'not.a.jwt', 'client_assertion is not a JWT'],
    ['it has no sub', () => rsaAssertion({ sub: undefined }), 'client_assertion has no sub'],
  ];

  it.each(badAssertions)('answers 401 invalid_client when %s', async (_name, make, detail) => {
    const { app, events } = await server({
      verifyUser: () => {
        throw new Error('should not be called');
      },
    });
    const assertion = make();
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['cache-control']).toBe('no-store');
    // RFC 9110 §11.6.1: every 401 carries a challenge; Basic is the header scheme this server supports.
    expect(res.headers['www-authenticate']).toBe('Basic realm="https://auth.example.com"');
    expect(events).toEqual([{ name: 'client.failed', payload: expect.objectContaining({ error: 'invalid_client', detail }) }]);
    expect(JSON.stringify(events)).not.toContain(assertion.split('.')[2] || assertion);
  });

  it('rejects an algorithm other than the pinned tokenEndpointAuthSigningAlg', async () => {
    const { app, events } = await server();
    const rs = signJwt(assertionClaims('pk-pinned'), rsa.privateKey, 'RS256');
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: rs });
    expect(res.status).toBe(401);
    expect(events[0].payload).toMatchObject({ detail: 'assertion alg differs from the registered one' });
    const ps = signJwt(assertionClaims('pk-pinned'), rsa.privateKey, 'PS256');
    expect((await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: ps })).status).toBe(200);
  });

  it('answers invalid_client when client_id differs from the assertion sub', async () => {
    const { app } = await server();
    const res = await tokenRequest(app, { ...login, client_id: 'pk-ec', client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion() });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('never treats a client with registered keys as public: client_id alone is invalid_client', async () => {
    const { app, events } = await server();
    for (const id of ['pk-rsa', 'pk-ec']) {
      const res = await tokenRequest(app, { ...login, client_id: id });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    }
    expect(events.map((e) => (e.payload as { detail: string }).detail)).toEqual([
      'client uses private_key_jwt, not none',
      'client uses private_key_jwt, not none',
    ]);
  });

  it('answers invalid_client when a secret-based client sends an assertion', async () => {
    const { app, events } = await server();
    const assertion = signJwt(assertionClaims('web'), rsa.privateKey, 'RS256');
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status).toBe(401);
    expect(events[0].payload).toMatchObject({ detail: 'client does not use private_key_jwt' });
  });

  it('answers 503 temporarily_unavailable when the replay cache fails', async () => {
    const store = new MemoryStore();
    store.claimOnce = () => Promise.reject(new Error('redis down'));
    const { app, events } = await server({ store });
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion() });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(events.map((e) => e.name)).toEqual(['error']);
  });
});

describe('client_secret_jwt', () => {
  const hs = (clientId: string, claims: Record<string, unknown> = {}, secret = SHARED) => signJwt(assertionClaims(clientId, claims), secret, 'HS256');

  it('accepts HS256 signed with the client jwtSecret', async () => {
    const { app } = await server();
    const res = await tokenRequest(app, { ...login, client_id: 's-jwt', client_assertion_type: JWT_BEARER, client_assertion: hs('s-jwt', { aud: TOKEN_URL }) });
    expect(res.status).toBe(200);
  });

  it('accepts HS512 when the secret is long enough for it, and implies the method from jwtSecret', async () => {
    const { app } = await server();
    const assertion = signJwt(assertionClaims('s-jwt-512'), SHARED_512, 'HS512');
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status).toBe(200);
  });

  it.each([
    ['the secret is wrong', () => hs('s-jwt', {}, 'another secret that is at least thirty-two bytes'), 'assertion signature does not verify'],
    ['HS512 is used with a 57-byte secret (RFC 7518 §3.2)', () => signJwt(assertionClaims('s-jwt'), SHARED, 'HS512'), 'assertion signature does not verify'],
    ['an RS256 assertion is sent', () => signJwt(assertionClaims('s-jwt'), rsa.privateKey, 'RS256'), 'client uses client_secret_jwt, not private_key_jwt'],
    ['alg is none', () => unsigned(assertionClaims('s-jwt')), 'client uses client_secret_jwt, not private_key_jwt'],
    ['the jti is replayed', () => 'replay', 'assertion jti was already used'],
  ])('answers 401 invalid_client when %s', async (_name, make, detail) => {
    const { app, events } = await server();
    let assertion = make();
    if (assertion === 'replay') {
      assertion = hs('s-jwt');
      expect((await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion })).status).toBe(200);
      events.length = 0;
    }
    const res = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(events).toEqual([{ name: 'client.failed', payload: expect.objectContaining({ detail }) }]);
  });

  it('answers 500 server_error when the registered jwtSecret is shorter than 32 bytes: a misconfigured record', async () => {
    const { app, events } = await server();
    const res = await tokenRequest(app, {
      ...login,
      client_assertion_type: JWT_BEARER,
      client_assertion: signJwt(assertionClaims('s-jwt-short'), 'too short', 'HS256'),
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'The server encountered an unexpected condition' });
    expect(events).toEqual([
      {
        name: 'error',
        payload: expect.objectContaining({ detail: "findClient('s-jwt-short') returned a client whose jwtSecret is not a string of at least 32 bytes" }),
      },
    ]);
  });
});

describe('mixing and malformed assertion parameters', () => {
  it.each([
    ['an assertion plus a Basic header', { client_assertion_type: JWT_BEARER, client_assertion: 'x.y.z' }, basic('web', WEB_SECRET)],
    [
      'an assertion plus client_secret',
      { client_assertion_type: JWT_BEARER, client_assertion: 'x.y.z', client_id: 'web', client_secret: WEB_SECRET },
      undefined,
    ],
    ['client_assertion without its type', { client_assertion: 'x.y.z', client_id: 'pk-rsa' }, undefined],
    ['client_assertion_type without an assertion', { client_assertion_type: JWT_BEARER, client_id: 'pk-rsa' }, undefined],
    [
      'an unknown client_assertion_type',
      { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: 'x.y.z' },
      undefined,
    ],
  ])('answers 400 invalid_request for %s', async (_name, params, authorization) => {
    const { app } = await server({
      verifyUser: () => {
        throw new Error('should not be called');
      },
    });
    let req = request(app).post('/oauth2/token').type('form');
    if (authorization !== undefined) req = req.set('Authorization', authorization);
    const res = await req.send(form({ ...login, ...params }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('assertion replay cache lifetime', () => {
  // The jti must be remembered as long as the assertion is accepted: until exp + clockTolerance, also for an `exp`
  // with a fraction of a second (a mark ending at exp + ceil(tolerance) - fraction let a replay in just before).
  it('refuses a replay in the last moment the assertion is still accepted (fractional exp)', async () => {
    const t = Math.floor(Date.now() / 1000);
    const clock = { ms: t * 1000 };
    const { app } = await server({ now: () => clock.ms, store: new MemoryStore({ now: () => clock.ms }), clockTolerance: 5 });
    const assertion = rsaAssertion({ iat: t, exp: t + 10.5 });
    const first = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(first.status).toBe(200);
    // exp + tolerance = t + 15.5 is still ahead of the (whole-second) clock at t + 15.9 s: the assertion is accepted...
    clock.ms = (t + 15) * 1000 + 900;
    const fresh = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: rsaAssertion({ iat: t, exp: t + 10.5 }) });
    expect(fresh.status).toBe(200);
    // ...so its replay must still be caught.
    const again = await tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
  });
});

// Issue 19 item 5: a bounded MemoryStore never makes a replay possible again, whatever floods it.
describe('assertion replay cache under a flood (MemoryStore maxMarkers)', () => {
  /** A server on a clock the test moves, whose MemoryStore remembers 4 markers of each kind. */
  async function flooded() {
    const clock = { ms: 1_700_000_000_000 };
    const now = () => Math.floor(clock.ms / 1000);
    const { app, events } = await server({ now: () => clock.ms, store: new MemoryStore({ maxMarkers: 4, now: () => clock.ms }) });
    const send = (assertion: string) => tokenRequest(app, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    const signed = (lifetime: number) => rsaAssertion({ iat: now(), exp: now() + lifetime });
    return { app, events, clock, now, send, signed };
  }

  it('refuses the replay of an assertion it had to forget (invalid_client), and accepts a newly signed one', async () => {
    const { events, clock, send, signed } = await flooded();
    const early = signed(30);
    expect((await send(early)).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      clock.ms += 1000;
      expect((await send(signed(120))).status).toBe(200);
    }
    // Four later assertions filled the budget: the early one's marker was forgotten, yet its replay is refused.
    const replay = await send(early);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    expect(events).toContainEqual({
      name: 'client.failed',
      payload: expect.objectContaining({ detail: 'replay cache full: assertion expires too soon to check for reuse' }),
    });
    expect((await send(signed(120))).status).toBe(200);
  });

  it("one client flooding assertions with the longest exp leaves another client's short-lived assertion accepted", async () => {
    const { events, clock, now, send } = await flooded();
    // Client A (client_secret_jwt: a cheap HMAC each) signs with exp = now + maxLifetime + clockTolerance, the latest
    // accepted, and fills its budget of 4 and then some.
    const longest = () => signJwt(assertionClaims('s-jwt', { iat: now(), exp: now() + 300 + 5 }), SHARED, 'HS256');
    const flood: string[] = [];
    for (let i = 0; i < 6; i++) {
      clock.ms += 1000;
      flood.push(longest());
      expect((await send(flood[i])).status).toBe(200);
    }
    // Client B's fresh assertion expires long before any of A's markers: judged on B's own budget, accepted.
    clock.ms += 1000;
    expect((await send(rsaAssertion({ iat: now(), exp: now() + 60 }))).status).toBe(200);
    expect(events).not.toContainEqual(expect.objectContaining({ name: 'client.failed' }));
    // A's replays are still refused: its latest as already used, its forgotten first as "cannot tell".
    expect((await send(flood[5])).status).toBe(401);
    expect((await send(flood[0])).status).toBe(401);
    expect(events.filter((e) => e.name === 'client.failed').map((e) => (e.payload as { detail: string }).detail)).toEqual([
      'assertion jti was already used',
      'replay cache full: assertion expires too soon to check for reuse',
    ]);
  });

  it('a flood of DPoP proofs from a public client neither forgets nor refuses an assertion', async () => {
    const { app, events, clock, now, send, signed } = await flooded();
    const assertion = signed(30);
    expect((await send(assertion)).status).toBe(200);
    const key = dpopKey('ES256');
    for (let i = 0; i < 20; i++) {
      clock.ms += 1000;
      const flood = await request(app)
        .post('/oauth2/token')
        .set('DPoP', proof(key, { htu: TOKEN_URL, claims: { iat: now() } }))
        .type('form')
        .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: 'junk' }));
      expect(flood.body.error).toBe('invalid_grant'); // the proof was accepted and remembered
    }
    const replay = await send(assertion);
    expect(replay.status).toBe(401);
    expect(events).toContainEqual({ name: 'client.failed', payload: expect.objectContaining({ detail: 'assertion jti was already used' }) });
    // An assertion that expires long before any DPoP marker is judged on its own budget's terms: accepted.
    expect((await send(signed(5))).status).toBe(200);
  });
});
