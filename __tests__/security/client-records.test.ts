// __tests__/security/client-records.test.ts
// What findClient and verifyUser return is checked in the fields the library reads: a secret it cannot use, a field
// misspelt or a value of the wrong type is a 500 server_error with an `error` event naming the field, never a silently
// public client. The app's own fields pass: __tests__/client-auth/validate-client.test.ts.

import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { hashSecret, type Client } from '../../lib';
import { basic, COST, createServer, form, loadFixture } from '../helpers/server';

const login = { grant_type: 'password', username: 'bob', password: 'hunter2' };
const GENERIC_500 = { error: 'server_error', error_description: 'The server encountered an unexpected condition' };

/** A server whose findClient returns `record` for the id 'x' (a fresh copy per call, like a database). */
async function serverWith(record: Record<string, unknown>) {
  return createServer({ findClient: (id) => (id === 'x' ? ({ ...record } as unknown as Client) : null) });
}

function errorDetails(events: Array<{ name: string; payload: unknown }>): string[] {
  return events.filter((e) => e.name === 'error').map((e) => (e.payload as { detail: string }).detail);
}

describe('a client record with a plaintext secret', () => {
  it.each(['secret', 'clientSecret', 'client_secret', 'password'])(
    'is a 500 naming %s and hashSecret(), never a public client that logs in with client_id alone',
    async (field) => {
      const { app, events } = await serverWith({ id: 'x', [field]: 'plain-secret', grants: ['password'], scopes: ['orders'] });
      for (const creds of [{ client_id: 'x' }, { client_id: 'x', client_secret: 'plain-secret' }] as Array<Record<string, string>>) {
        const res = await request(app)
          .post('/oauth2/token')
          .type('form')
          .send(form({ ...login, ...creds }));
        expect(res.status).toBe(500);
        expect(res.body).toEqual(GENERIC_500);
        expect(res.text).not.toContain(field);
      }
      expect(errorDetails(events)[0]).toBe(
        `findClient('x') returned a client with a secret in ${field} and no credential the library reads: ` +
          'store the output of hashSecret(secret) in secretHash (else the client is public)',
      );
      expect(JSON.stringify(events)).not.toContain('plain-secret');
    },
  );

  it('is refused over Basic, at /revoke and at /introspect too', async () => {
    const { app, events } = await serverWith({ id: 'x', secret: 'plain-secret', grants: ['password'] });
    const responses = [
      await request(app).post('/oauth2/token').set('Authorization', basic('x', 'plain-secret')).type('form').send(form(login)),
      await request(app)
        .post('/oauth2/revoke')
        .type('form')
        .send(form({ client_id: 'x', token: 'abc' })),
      await request(app)
        .post('/oauth2/introspect')
        .set('Authorization', basic('x', 'plain-secret'))
        .type('form')
        .send(form({ token: 'abc' })),
    ];
    expect(responses.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(errorDetails(events)).toHaveLength(3);
  });
});

describe('a client record with a wrong field', () => {
  const ecPublic = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['another spelling of a field', { defaultScope: ['orders'] }, 'with the field defaultScope: the library reads defaultScopes (rename it)'],
    ['a grant type that is not a string', { grants: ['password', 3] }, 'whose grants[1] is not a grant type (a non-empty string)'],
    ['grants as a string', { grants: 'password' }, 'whose grants is not an array'],
    ['no grants', { grants: undefined }, 'without grants'],
    ['an id that is a number', { id: 7 }, 'whose id is not a non-empty string'],
    ['a scope with a space in it', { scopes: ['orders read'] }, 'whose scopes[0] is not a scope token (RFC 6749 §3.3: no spaces, quotes or backslashes)'],
    ['scopes as a string', { scopes: 'orders' }, 'whose scopes is not an array'],
    [
      'defaultScopes with a number',
      { defaultScopes: ['orders', 1] },
      'whose defaultScopes[1] is not a scope token (RFC 6749 §3.3: no spaces, quotes or backslashes)',
    ],
    ['a secretHash that is not bcrypt', { secretHash: 'plain-secret' }, 'whose secretHash is not a bcrypt hash (store what hashSecret() returns)'],
    ['an unknown auth method', { tokenEndpointAuthMethod: 'tls_client_auth' }, 'whose tokenEndpointAuthMethod is not a known client authentication method'],
    ['jwks without keys', { jwks: [{ kty: 'EC' }] }, 'whose jwks is not a JWK Set ({ keys: [...] })'],
    ['a JWK without kty', { jwks: { keys: [{ kid: 'a' }] } }, 'whose jwks.keys[0] is not a JWK (an object with kty)'],
    ['publicKey as a number', { publicKey: 42 }, 'whose publicKey is not a PEM string or a KeyObject'],
    ['a jwtSecret of 31 bytes', { jwtSecret: 'x'.repeat(31) }, 'whose jwtSecret is not a string of at least 32 bytes'],
    ['an unknown signing alg', { tokenEndpointAuthSigningAlg: 'none' }, 'whose tokenEndpointAuthSigningAlg is not one of'],
    ['dpopBoundAccessTokens as a string', { dpopBoundAccessTokens: 'true' }, 'whose dpopBoundAccessTokens is not a boolean'],
    ['a TTL in a string', { accessTokenTTL: '3600' }, 'whose accessTokenTTL is not a positive integer (seconds)'],
    ['a zero refresh TTL', { refreshTokenTTL: 0 }, 'whose refreshTokenTTL is not a positive integer (seconds)'],
    ['a fractional absolute TTL', { refreshTokenAbsoluteTTL: 1.5 }, 'whose refreshTokenAbsoluteTTL is not a positive integer (seconds)'],
    ['an empty audience list', { audience: [] }, 'whose audience is not a string or a non-empty array of strings'],
    ['an audience list with a number', { audience: ['https://a.example', 2] }, 'whose audience[1] is not a non-empty string'],
    ['a forwardedIpHeader with a colon', { forwardedIpHeader: 'x-ip: 1' }, 'whose forwardedIpHeader is not an HTTP header name'],
    ['a field set to null', { scopes: null }, 'whose scopes is null (leave the field out instead)'],
  ];

  it.each(cases)('answers 500 for %s, and the error event names the field', async (_name, change, problem) => {
    const { app, events } = await serverWith({ id: 'x', grants: ['password'], scopes: ['orders'], ...change });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'x' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual(GENERIC_500);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(errorDetails(events)).toEqual([expect.stringContaining(`findClient('x') returned a client ${problem}`)]);
  });

  it('accepts every documented field with a valid value, and fields set to undefined', async () => {
    const record = {
      id: 'x',
      secretHash: await hashSecret('a real secret', COST),
      grants: ['password', 'refresh_token'],
      scopes: ['orders', 'profile'],
      defaultScopes: ['orders'],
      tokenEndpointAuthMethod: 'client_secret_post',
      accessTokenTTL: 60,
      refreshTokenTTL: 600,
      refreshTokenAbsoluteTTL: 6000,
      audience: ['https://api.example.com'],
      forwardedIpHeader: 'x-end-user-ip',
      dpopBoundAccessTokens: false,
      jwtSecret: undefined,
    };
    const { app, events } = await serverWith(record);
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'x', client_secret: 'a real secret' }));
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(60);
    expect(errorDetails(events)).toEqual([]);
    // The key-based fields on a client of their own.
    const keyed = await serverWith({ id: 'x', grants: ['password'], publicKey: ecPublic, tokenEndpointAuthSigningAlg: 'ES256' });
    const refused = await request(keyed.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'x' }));
    expect(refused.status).toBe(401);
    expect(errorDetails(keyed.events)).toEqual([]);
  });

  it('keeps a client without secretHash public, as documented', async () => {
    const { app } = await serverWith({ id: 'x', grants: ['password'], scopes: ['orders'] });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'x' }));
    expect(res.status).toBe(200);
  });

  it('checks a record object once, not on every request (a Map-backed findClient pays nothing per request)', async () => {
    const f = await loadFixture();
    const reads: string[] = [];
    const cli = f.clients.get('cli')!;
    // A Proxy that records every field the validator (or anything else) enumerates.
    const watched = new Proxy(cli, { ownKeys: (target) => (reads.push('ownKeys'), Reflect.ownKeys(target)) });
    const { app } = await createServer({ findClient: (id) => (id === 'cli' ? watched : null) });
    for (let i = 0; i < 3; i += 1) {
      expect(
        (
          await request(app)
            .post('/oauth2/token')
            .type('form')
            .send(form({ ...login, client_id: 'cli' }))
        ).status,
      ).toBe(200);
    }
    expect(reads).toEqual(['ownKeys']);
  });
});

describe('a user record from verifyUser', () => {
  it('may carry the app’s own fields (a passport-local row): they are neither checked nor copied anywhere', async () => {
    const row = { id: 'u-bob', username: 'bob', passwordHash: '$2b$04$notreallyahash', totpSecret: 'JBSWY3DPEHPK3PXP', scopes: ['orders'] };
    const store: string[] = [];
    const { app, events } = await createServer({
      verifyUser: async () => row,
      enrichToken: ({ user }) => {
        store.push(JSON.stringify(user));
        return {};
      },
    });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'cli', scope: 'orders' }));
    expect(res.status).toBe(200);
    const everything = JSON.stringify([res.body, events, store, Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString()]);
    expect(everything).not.toContain('passwordHash');
    expect(everything).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it.each([
    ['scopes as a string', { id: 'u', scopes: 'orders' }, 'verifyUser returned a user whose scopes is not an array of strings'],
    ['a scope that is a number', { id: 'u', scopes: ['orders', 3] }, 'verifyUser returned a user whose scopes[1] is not a string'],
    ['claims as a string', { id: 'u', claims: '{"name":"Bob"}' }, 'verifyUser returned a user whose claims is not an object'],
    ['username as a number', { id: 'u', username: 12 }, 'verifyUser returned a user whose username is not a string'],
    ['no id', { username: 'bob' }, 'verifyUser returned a user without a usable id (a non-empty string)'],
  ])('answers 500 when it has %s, naming the field', async (_name, user, detail) => {
    const { app, events } = await createServer({ verifyUser: async () => user as never });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ ...login, client_id: 'cli' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual(GENERIC_500);
    expect(errorDetails(events)).toEqual([detail]);
  });
});
