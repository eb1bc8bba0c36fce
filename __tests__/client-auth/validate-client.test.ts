// __tests__/client-auth/validate-client.test.ts
// Client records as real registries hold them (lib/client-auth/validate-client.ts), over HTTP: the app's own columns
// pass unread, RFC 7591 §2 metadata names are understood, other servers' grant types are just not ours, and what
// the library cannot use is refused by name, never ignored into a public client or a client without grants.

import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { hashSecret, MFA_GRANT_TYPE, type Client, type VerifyUser, type VerifyUserContext } from '../../lib';
import { JWT_BEARER, assertionClaims, signJwt } from '../helpers/jwt';
import { basic, COST, createServer, form, loadFixture, verifyUserFrom, type TestServer } from '../helpers/server';

const login = { grant_type: 'password', username: 'bob', password: 'hunter2' };
const GENERIC_500 = { error: 'server_error', error_description: 'The server encountered an unexpected condition' };
const SECRET = 'the real client secret';
const secretHash = hashSecret(SECRET, COST);

/** A server whose findClient returns a fresh copy of `records[id]` per call, as a database does. */
async function serverWith(records: Record<string, Record<string, unknown>>, overrides: Parameters<typeof createServer>[0] = {}) {
  return createServer({ findClient: (id) => (Object.hasOwn(records, id) ? ({ ...records[id] } as unknown as Client) : null), ...overrides });
}

const token = (s: TestServer, params: Record<string, string>) => request(s.app).post('/oauth2/token').type('form').send(form(params));
const errorDetails = (s: TestServer) => s.events.filter((e) => e.name === 'error').map((e) => (e.payload as { detail: string }).detail);

describe("a row with the app's own columns", () => {
  it.each([
    ['name, created_at and owner_id', { name: 'Web app', created_at: new Date('2024-01-01'), owner_id: 'tenant-marker-7' }],
    ['empty columns (null, empty string)', { description: null, logo_uri: '', owner_id: 'tenant-marker-7' }],
    ['nested values', { metadata: { team: 'tenant-marker-7' }, tags: ['a', 'b'], updated_by: 7 }],
  ])('logs in with %s, without an error event on any request, and copies none of them', async (_name, columns) => {
    const seen: Array<VerifyUserContext['client']> = [];
    const verify = verifyUserFrom(await loadFixture()) as VerifyUser;
    const s = await serverWith(
      { x: { id: 'x', grants: ['password', 'refresh_token'], scopes: ['orders'], ...columns } },
      { verifyUser: (username, password, ctx) => (seen.push(ctx.client), verify(username, password, ctx)) },
    );
    let res = await token(s, { ...login, client_id: 'x', scope: 'orders' });
    for (let i = 0; i < 2; i += 1) res = await token(s, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(errorDetails(s)).toEqual([]);
    // verifyUser gets the Client the library read: its fields only.
    expect(seen).toEqual([{ id: 'x', grants: ['password', 'refresh_token'], scopes: ['orders'] }]);
    const payload = Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString();
    expect(JSON.stringify([res.body, payload, s.events])).not.toContain('tenant-marker-7');
  });

  it('authenticates a confidential row by its secretHash', async () => {
    const s = await serverWith({
      x: { id: 'x', secretHash: await secretHash, grants: ['password'], scopes: ['orders'], client_name: 'Backend', created_at: 1 },
    });
    expect((await token(s, { ...login, client_id: 'x', client_secret: SECRET })).status).toBe(200);
    expect((await token(s, { ...login, client_id: 'x', client_secret: 'wrong' })).status).toBe(401);
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(401);
  });

  it('is read on every request, so a secretHash rotated in place takes effect (Map-backed findClient)', async () => {
    const record: Record<string, unknown> = { id: 'x', secretHash: await secretHash, grants: ['password'], owner_id: 7 };
    const s = await createServer({ findClient: (id) => (id === 'x' ? (record as unknown as Client) : null) });
    expect((await token(s, { ...login, client_id: 'x', client_secret: SECRET })).status).toBe(200);
    record.secretHash = await hashSecret('the rotated secret', COST);
    expect((await token(s, { ...login, client_id: 'x', client_secret: SECRET })).status).toBe(401);
    expect((await token(s, { ...login, client_id: 'x', client_secret: 'the rotated secret' })).status).toBe(200);
  });
});

describe('a record object changed in place after it was checked (Map-backed findClient)', () => {
  /** A record as an app keeps it in a Map, its lists open to changes in place. */
  interface Row {
    [field: string]: unknown;
    grants?: unknown[];
    scopes?: unknown[];
    jwks?: { keys: unknown[] };
  }
  type Change = (record: Row) => void;
  it.each<[string, Change, string]>([
    ['secretHash replaced by the plain secret', (r) => (r.secretHash = SECRET), 'whose secretHash is not a bcrypt hash (store what hashSecret() returns)'],
    ['a number pushed into grants', (r) => r.grants?.push(7), 'whose grants[2] is not a grant type (a non-empty string)'],
    [
      'a scope with a space pushed into scopes',
      (r) => r.scopes?.push('orders admin'),
      'whose scopes[1] is not a scope token (RFC 6749 §3.3: no spaces, quotes or backslashes)',
    ],
    ['grants deleted', (r) => delete r.grants, 'without grants (or grant_types)'],
    ['grant_types added, other than grants', (r) => (r.grant_types = ['password']), 'whose grants and grant_types differ: keep one'],
    ['accessTokenTTL set to a string', (r) => (r.accessTokenTTL = '600'), 'whose accessTokenTTL is not a positive integer (seconds)'],
  ])('%s: the next request is a 500 naming the field, never served with it', async (_name, change, problem) => {
    const record: Row = { id: 'x', secretHash: await secretHash, grants: ['password', 'refresh_token'], scopes: ['orders'] };
    const s = await createServer({ findClient: (id) => (id === 'x' ? (record as unknown as Client) : null) });
    const viaBasic = () =>
      request(s.app)
        .post('/oauth2/token')
        .set('Authorization', basic('x', SECRET))
        .type('form')
        .send(form({ ...login, scope: 'orders' }));
    expect((await viaBasic()).status).toBe(200);
    change(record);
    for (let i = 0; i < 2; i += 1) {
      const res = await viaBasic();
      expect(res.status).toBe(500);
      expect(res.body).toEqual(GENERIC_500);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect(errorDetails(s)).toEqual([`findClient('x') returned a client ${problem}`, `findClient('x') returned a client ${problem}`]);
  });

  it('serves again once the record is put back, and what it serves is a frozen copy of what was checked', async () => {
    const record: Row = { id: 'x', grants: ['password'], scopes: ['orders'] };
    const seen: Array<VerifyUserContext['client']> = [];
    const verify = verifyUserFrom(await loadFixture()) as VerifyUser;
    const s = await createServer({
      findClient: (id) => (id === 'x' ? (record as unknown as Client) : null),
      verifyUser: (username, password, ctx) => (seen.push(ctx.client), verify(username, password, ctx)),
    });
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(200);
    record.scopes?.push('bad scope');
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(500);
    record.scopes?.pop();
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(Object.isFrozen(seen[1]) && Object.isFrozen(seen[1].scopes)).toBe(true);
    expect(seen[1].scopes).not.toBe(record.scopes);
  });

  it('a key removed from jwks in place no longer authenticates the client (private_key_jwt)', async () => {
    const [kept, removed] = [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-256' })];
    const jwk = (pair: typeof kept, kid: string) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig' });
    const record: Row = { id: 'x', grants: ['password'], jwks: { keys: [jwk(kept, 'kept'), jwk(removed, 'removed')] } };
    const s = await createServer({ findClient: (id) => (id === 'x' ? (record as unknown as Client) : null) });
    const withKey = (pair: typeof kept, kid: string) =>
      token(s, { ...login, client_assertion_type: JWT_BEARER, client_assertion: signJwt(assertionClaims('x'), pair.privateKey, 'ES256', { kid }) });
    expect((await withKey(removed, 'removed')).status).toBe(200);
    record.jwks?.keys.pop();
    expect((await withKey(removed, 'removed')).status).toBe(401);
    expect((await withKey(kept, 'kept')).status).toBe(200);
  });
});

describe('a record in RFC 7591 metadata names', () => {
  const registered = {
    client_id: 'x',
    client_name: 'Command line',
    client_id_issued_at: 1700000000,
    redirect_uris: [],
    grant_types: ['password', 'refresh_token'],
    response_types: [],
    scope: 'orders  profile',
    token_endpoint_auth_method: 'none',
  };

  it('logs in, and grant_types, scope and token_endpoint_auth_method mean what they say', async () => {
    const s = await serverWith({ x: registered });
    const res = await token(s, { ...login, client_id: 'x', scope: 'orders profile' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('orders profile');
    const refreshed = await token(s, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: 'x' });
    expect(refreshed.status).toBe(200);
    // `scope` bounds the client: anything else is invalid_scope, not silently granted.
    expect((await token(s, { ...login, client_id: 'x', scope: 'admin' })).body.error).toBe('invalid_scope');
    // No scope asked: the registered scope is the default (as `scopes` without `defaultScopes`).
    expect((await token(s, { ...login, client_id: 'x' })).body.scope).toBe('orders profile');
    expect(errorDetails(s)).toEqual([]);
  });

  it('pins token_endpoint_auth_method, with secretHash as the credential', async () => {
    const s = await serverWith({
      x: { ...registered, secretHash: await secretHash, token_endpoint_auth_method: 'client_secret_basic', client_secret_expires_at: 0 },
    });
    const viaBasic = await request(s.app).post('/oauth2/token').set('Authorization', basic('x', SECRET)).type('form').send(form(login));
    expect(viaBasic.status).toBe(200);
    const viaPost = await token(s, { ...login, client_id: 'x', client_secret: SECRET });
    expect(viaPost.status).toBe(401);
    expect(s.events.find((e) => e.name === 'client.failed')?.payload).toMatchObject({ detail: 'client uses client_secret_basic, not client_secret_post' });
  });

  it('requires DPoP for dpop_bound_access_tokens', async () => {
    const s = await serverWith({ x: { ...registered, dpop_bound_access_tokens: true } });
    expect((await token(s, { ...login, client_id: 'x' })).body.error).toBe('invalid_dpop_proof');
  });

  it('is another client when client_id is not the id asked for (a lookup that ignores its argument)', async () => {
    const s = await createServer({ findClient: () => registered as unknown as Client });
    const res = await token(s, { ...login, client_id: 'y' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('accepts both names for one field when they mean the same', async () => {
    const s = await serverWith({ x: { ...registered, id: 'x', grants: ['refresh_token', 'password'], scopes: ['profile', 'orders'] } });
    expect((await token(s, { ...login, client_id: 'x', scope: 'orders' })).status).toBe(200);
  });
});

describe('a record the library cannot read as meant', () => {
  const ecPublic = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  it.each<[string, Record<string, unknown>, string]>([
    ['id and client_id differ', { id: 'x', client_id: 'x-2024' }, 'whose id and client_id differ: keep one (the client id)'],
    ['a numeric id beside client_id', { id: 17, client_id: 'x', grants: undefined, grant_types: ['password'] }, 'whose id and client_id differ'],
    ['grants and grant_types differ', { grant_types: ['password', 'refresh_token'] }, 'whose grants and grant_types differ: keep one'],
    ['scopes and scope differ', { scope: 'orders admin' }, 'whose scopes and scope differ: keep one'],
    ['scope as an array', { scopes: undefined, scope: ['orders'] }, 'whose scope is not a string of space-separated scope tokens (RFC 7591 §2)'],
    ['a scope token with a quote', { scopes: undefined, scope: 'orders "x"' }, 'whose scope[1] is not a scope token'],
    ['grant_types as a string', { grants: undefined, grant_types: 'password refresh_token' }, 'whose grant_types is not an array'],
    ['neither grants nor grant_types', { grants: undefined }, 'without grants (or grant_types)'],
    ['grant_type for grant_types', { grants: undefined, grant_type: ['password'] }, 'with the field grant_type: the library reads grants (rename it)'],
    [
      'an unknown token_endpoint_auth_method',
      { token_endpoint_auth_method: 'tls_client_auth' },
      'whose token_endpoint_auth_method is not a known client authentication method',
    ],
    [
      'token_endpoint_auth_method and the field differ',
      { tokenEndpointAuthMethod: 'none', token_endpoint_auth_method: 'client_secret_post' },
      'whose tokenEndpointAuthMethod and token_endpoint_auth_method differ',
    ],
    ['a null RFC 7591 field', { token_endpoint_auth_signing_alg: null }, 'whose token_endpoint_auth_signing_alg is null (leave the field out instead)'],
    [
      'jwks_uri without jwks',
      { jwks_uri: 'https://client.example/jwks' },
      'with jwks_uri and no jwks: this server does not fetch keys; copy the JWK Set into jwks',
    ],
    [
      'certificate-bound tokens',
      { tls_client_certificate_bound_access_tokens: true },
      'with tls_client_certificate_bound_access_tokens: certificate-bound tokens (RFC 8705) are not issued here',
    ],
    ['public_key for publicKey', { public_key: ecPublic }, 'with the field public_key: the library reads publicKey (rename it)'],
    ['default_scopes for defaultScopes', { default_scopes: ['orders'] }, 'with the field default_scopes: the library reads defaultScopes (rename it)'],
    [
      'DpopBoundAccessTokens for dpopBoundAccessTokens',
      { DpopBoundAccessTokens: true },
      'with the field DpopBoundAccessTokens: the library reads dpopBoundAccessTokens',
    ],
    ['access_token_ttl for accessTokenTTL', { access_token_ttl: 60 }, 'with the field access_token_ttl: the library reads accessTokenTTL'],
    [
      'client_secret_expires_at in a string',
      { client_secret_expires_at: '0' },
      'whose client_secret_expires_at is not a time in seconds since the epoch (0 for never)',
    ],
  ])('is a 500 naming the field when it has %s', async (_name, change, problem) => {
    const s = await serverWith({ x: { id: 'x', grants: ['password'], scopes: ['orders'], ...change } });
    const res = await token(s, { ...login, client_id: 'x' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual(GENERIC_500);
    expect(errorDetails(s)).toEqual([expect.stringContaining(`findClient('x') returned a client ${problem}`)]);
  });
});

describe('a secret the library cannot use', () => {
  const hint = 'and no credential the library reads: store the output of hashSecret(secret) in secretHash (else the client is public)';

  it.each(['secret', 'client_secret', 'clientSecret', 'Client_Secret', 'SECRET', 'secret_hash', 'password', 'password_hash', 'hashed_secret'])(
    'in %s, on a client without a credential, is a 500 naming it and hashSecret(): never a public client',
    async (field) => {
      const s = await serverWith({ x: { client_id: 'x', grant_types: ['password'], scope: 'orders', [field]: 'plain-secret-value' } });
      for (const creds of [{ client_id: 'x' }, { client_id: 'x', client_secret: 'plain-secret-value' }] as Array<Record<string, string>>) {
        const res = await token(s, { ...login, ...creds });
        expect(res.status).toBe(500);
        expect(res.text).not.toContain(field);
      }
      expect(errorDetails(s)[0]).toBe(`findClient('x') returned a client with a secret in ${field} ${hint}`);
      expect(JSON.stringify(s.events)).not.toContain('plain-secret-value');
    },
  );

  it('beside secretHash is the registry’s own column: secretHash authenticates, the column never does', async () => {
    const s = await serverWith({ x: { id: 'x', secretHash: await secretHash, client_secret: 'legacy-plaintext', grants: ['password'], scopes: ['orders'] } });
    expect((await token(s, { ...login, client_id: 'x', client_secret: SECRET })).status).toBe(200);
    expect((await token(s, { ...login, client_id: 'x', client_secret: 'legacy-plaintext' })).status).toBe(401);
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(401);
    expect(errorDetails(s)).toEqual([]);
  });

  it('beside registered keys leaves the client on private_key_jwt', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const s = await serverWith({ x: { id: 'x', publicKey, client_secret: 'legacy-plaintext', grants: ['password'], scopes: ['orders'] } });
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(401);
    expect(errorDetails(s)).toEqual([]);
  });

  it.each([null, ''])('holds nothing when the column is %p: the client is public, as its row says', async (value) => {
    const s = await serverWith({ x: { client_id: 'x', client_secret: value, grant_types: ['password'], token_endpoint_auth_method: 'none' } });
    expect((await token(s, { ...login, client_id: 'x' })).status).toBe(200);
  });
});

describe('client_secret_expires_at (RFC 7591 §3.2.1)', () => {
  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['client_secret_expires_at', '0 (never)', 200, 0],
    ['client_secret_expires_at', 'in an hour', 200, now + 3600],
    ['client_secret_expires_at', 'a second ago', 401, now - 1],
    ['clientSecretExpiresAt', 'a second ago', 401, now - 1],
  ])('%s %s answers %p', async (field, _when, status, value) => {
    const s = await serverWith({ x: { id: 'x', secretHash: await secretHash, grants: ['password'], [field]: value } });
    const res = await request(s.app).post('/oauth2/token').set('Authorization', basic('x', SECRET)).type('form').send(form(login));
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(s.events.find((e) => e.name === 'client.failed')?.payload).toMatchObject({ detail: 'client secret expired' });
      // A wrong secret still says only that: the expiry is news for the holder of the secret alone.
      const wrong = await token(s, { ...login, client_id: 'x', client_secret: 'wrong' });
      expect(wrong.status).toBe(401);
      expect(s.events.filter((e) => e.name === 'client.failed').map((e) => (e.payload as { detail: string }).detail)).toEqual([
        'client secret expired',
        'wrong client secret',
      ]);
    }
  });

  it('ends a client_secret_jwt secret too', async () => {
    const jwtSecret = 'a shared secret of more than thirty-two bytes, for HS256';
    const s = await serverWith({ x: { id: 'x', jwtSecret, grants: ['password'], clientSecretExpiresAt: now - 1 } });
    const assertion = signJwt(assertionClaims('x'), jwtSecret, 'HS256');
    const res = await token(s, { ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status).toBe(401);
    expect(s.events.find((e) => e.name === 'client.failed')?.payload).toMatchObject({ detail: 'client secret expired' });
  });
});

describe('grant types of a registry shared with another authorization server', () => {
  const shared = [
    'password',
    'refresh_token',
    'client_credentials',
    'authorization_code',
    'implicit',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:saml2-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:openid:params:grant-type:ciba',
    'https://vendor.example.com/grant-type/sso',
  ];

  it.each(['grants', 'grant_types'])('in %s: the client gets the grants this server serves, and no error event', async (field) => {
    const s = await serverWith({ x: { id: 'x', [field]: shared, scopes: ['orders'] } });
    const res = await token(s, { ...login, client_id: 'x' });
    expect(res.status).toBe(200);
    expect((await token(s, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: 'x' })).status).toBe(200);
    expect(errorDetails(s)).toEqual([]);
  });

  // RFC 6749 §5.2: unsupported_grant_type is "not supported by the authorization server"; unauthorized_client is "not
  // authorized to use this authorization grant type". The client's list does not make another server's grant ours.
  it.each(['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'])(
    'a request for %s, which the client lists, is 400 unsupported_grant_type',
    async (grantType) => {
      const s = await serverWith({ x: { id: 'x', grants: shared } });
      const res = await token(s, { grant_type: grantType, client_id: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    },
  );

  it.each<[string, string[]]>([
    ['password', ['client_credentials', 'authorization_code']],
    ['refresh_token', ['password', 'client_credentials']],
    [MFA_GRANT_TYPE, ['password', 'urn:ietf:params:oauth:grant-type:device_code']],
  ])('a request for %s, which this server serves and the client lacks, is 400 unauthorized_client', async (grantType, grants) => {
    const s = await serverWith(
      { x: { id: 'x', grant_types: grants } },
      {
        verifyUser: () => {
          throw new Error('verifyUser must not be called');
        },
      },
    );
    const res = await token(s, { ...login, grant_type: grantType, client_id: 'x', refresh_token: 'r', mfa_token: 'm' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('a bare word among the grants that no server serves (a typo)', () => {
  const typo = "findClient('x') returned a client whose grants[1] 'pasword' is neither a grant type of RFC 6749 nor an absolute URI: a typo? It is ignored";

  it('serves the grants the client has, and says so once in an error event, not per request', async () => {
    const s = await serverWith({
      x: { id: 'x', grants: ['refresh_token', 'pasword', 'password'], scopes: ['orders'] },
      y: { id: 'y', grants: ['password', 'pasword'] },
    });
    for (let i = 0; i < 3; i += 1) expect((await token(s, { ...login, client_id: 'x' })).status).toBe(200);
    expect((await token(s, { ...login, client_id: 'y' })).status).toBe(200);
    expect(errorDetails(s)).toEqual([typo]);
    // Another instance has its own warnings.
    const other = await serverWith({ x: { id: 'x', grants: ['refresh_token', 'pasword', 'password'] } });
    expect((await token(other, { ...login, client_id: 'x' })).status).toBe(200);
    expect(errorDetails(other)).toEqual([typo]);
  });

  it('without an error listener, writes one stderr line in all', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      const s = await serverWith({ x: { id: 'x', grants: ['refresh_token', 'pasword', 'password'] } });
      s.auth.removeAllListeners('error');
      for (let i = 0; i < 3; i += 1) expect((await token(s, { ...login, client_id: 'x' })).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([expect.stringContaining(typo)]);
  });

  it('reports a bounded number of distinct words, however many records a registry holds', async () => {
    const records = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, { id: `c${i}`, grants: ['password', `grant${i}`] }]));
    const s = await serverWith(records);
    for (const id of Object.keys(records)) expect((await token(s, { ...login, client_id: id })).status).toBe(200);
    const reported = errorDetails(s);
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.length).toBeLessThanOrEqual(32);
  });
});
