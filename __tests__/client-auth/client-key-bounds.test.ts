// __tests__/client-auth/client-key-bounds.test.ts
// private_key_jwt with keys the client registered: the same bounds as a DPoP proof's key, checked before any
// signature, and the assertion's claims checked before its signature, its jti spent last.
//
// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms." The ceiling (8192 bits)
// and the exponent (65537) bound what one verification costs; the curves are those of ES256/384/512 (§3.4).

import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import request from 'supertest';
import type { Client } from '../../lib';
import { JWT_BEARER, assertionClaims, signJwt, signRs256Raw } from '../helpers/jwt';
import { createServer, form, type TestServer } from '../helpers/server';

const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaE3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });

const jwk = (key: KeyObject, kid: string) => ({ ...key.export({ format: 'jwk' }), kid }) as { kty: string };

/** A 16,384-bit RSA public JWK: refused before use, so no private half is needed (generating one takes ages). */
function hugeRsaJwk(kid: string) {
  const n = randomBytes(2048);
  n[0] |= 0x80;
  n[2047] |= 1;
  return { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB', kid };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** ES256 over secp256k1 with node:crypto (jsonwebtoken refuses the curve). */
function signEs256Raw(payload: Record<string, unknown>, key: KeyObject, header: Record<string, unknown>): string {
  const input = `${b64({ alg: 'ES256', ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const pk = (id: string, keys: Array<{ kty: string }>): Client => ({
  id,
  grants: ['password'],
  scopes: ['orders'],
  tokenEndpointAuthMethod: 'private_key_jwt',
  jwks: { keys },
});
const CLIENTS: Client[] = [
  pk('pk-e3', [jwk(rsaE3.publicKey, 'e3')]),
  pk('pk-huge', [hugeRsaJwk('huge')]),
  pk('pk-1024', [jwk(rsa1024.publicKey, 'small')]),
  pk('pk-k256', [jwk(k256.publicKey, 'k256')]),
  pk('pk-mixed', [hugeRsaJwk('huge'), jwk(rsaE3.publicKey, 'e3'), jwk(good.publicKey, 'good')]),
  { id: 'pk-pem-e3', grants: ['password'], scopes: ['orders'], publicKey: rsaE3.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  pk('pk-good', [jwk(good.publicKey, 'good')]),
];

async function server(): Promise<TestServer> {
  const base = await createServer();
  const extra = new Map(CLIENTS.map((c) => [c.id, c]));
  return createServer({ findClient: (id) => extra.get(id) ?? base.fixture.clients.get(id) ?? null });
}

const login = { grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'orders' };
const tokenRequest = (s: TestServer, assertion: string) =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ ...login, client_assertion_type: JWT_BEARER, client_assertion: assertion }));

const garbage = (clientId: string, kid: string) => `${b64({ alg: 'RS256', kid })}.${b64(assertionClaims(clientId))}.${randomBytes(256).toString('base64url')}`;

const failedWith = (detail: string) => [{ name: 'client.failed', payload: expect.objectContaining({ error: 'invalid_client', detail }) }];

describe('bounds on registered client keys', () => {
  it.each([
    [
      'an RSA key with e = 3 (valid signature)',
      () => signRs256Raw(assertionClaims('pk-e3'), rsaE3.privateKey, { kid: 'e3' }),
      'RSA public exponent is not 65537',
    ],
    ['a PEM publicKey with e = 3 (valid signature)', () => signRs256Raw(assertionClaims('pk-pem-e3'), rsaE3.privateKey), 'RSA public exponent is not 65537'],
    ['a 16,384-bit RSA key (garbage signature)', () => garbage('pk-huge', 'huge'), 'RSA modulus of 16384 bits is outside 2048..8192'],
    [
      'a 1024-bit RSA key (valid signature)',
      () => signRs256Raw(assertionClaims('pk-1024'), rsa1024.privateKey, { kid: 'small' }),
      'RSA modulus of 1024 bits is outside 2048..8192',
    ],
    [
      'a secp256k1 key under ES256 (valid signature)',
      () => signEs256Raw(assertionClaims('pk-k256'), k256.privateKey, { kid: 'k256' }),
      'EC curve is not P-256, P-384 or P-521',
    ],
    ['the 16,384-bit key of a mixed set, named by kid', () => garbage('pk-mixed', 'huge'), 'RSA modulus of 16384 bits is outside 2048..8192'],
  ])('refuses %s with 401 invalid_client and says why', async (_name, make, reason) => {
    const s = await server();
    const res = await tokenRequest(s, make());
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(s.events).toEqual(failedWith(`registered key refused: ${reason}`));
  });

  it('still accepts the in-bounds key of a set that also holds refused ones', async () => {
    const s = await server();
    const res = await tokenRequest(s, signJwt(assertionClaims('pk-mixed'), good.privateKey, 'RS256', { kid: 'good' }));
    expect(res.status).toBe(200);
  });
});

describe('client assertion checks before the signature', () => {
  const badlySigned = (claims: Record<string, unknown>) => signJwt(assertionClaims('pk-good', claims), rsaE3.privateKey, 'RS256', { kid: 'good' });

  it.each([
    ['it expired', { exp: Math.floor(Date.now() / 1000) - 600 }, 'assertion expired'],
    ['its aud names another server', { aud: 'https://evil.example.com' }, 'assertion aud does not name this server'],
    ['it has no jti', { jti: undefined }, 'assertion has no usable jti'],
  ])('a badly signed assertion is refused because %s, not for its signature', async (_name, claims, detail) => {
    const s = await server();
    const res = await tokenRequest(s, badlySigned(claims));
    expect(res.status).toBe(401);
    expect(s.events).toEqual(failedWith(detail));
  });

  it('does not spend the jti of a badly signed assertion: the genuine one with that jti works once', async () => {
    const s = await server();
    const jti = randomUUID();
    expect((await tokenRequest(s, badlySigned({ jti }))).status).toBe(401);
    expect(s.events).toEqual(failedWith('assertion signature does not verify'));
    const genuine = signJwt(assertionClaims('pk-good', { jti }), good.privateKey, 'RS256', { kid: 'good' });
    expect((await tokenRequest(s, genuine)).status).toBe(200);
    expect((await tokenRequest(s, genuine)).status).toBe(401);
  });
});
