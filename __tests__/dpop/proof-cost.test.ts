// __tests__/dpop/proof-cost.test.ts
// A DPoP proof costs no public-key operation until its cheap checks pass, its key is bounded, and a badly signed
// proof cannot spend the jti of a genuine one.
//
// RFC 9449 §4.3 lists the checks without an order; §11.1 warns that proofs are sent by anyone who knows a public
// client_id. So: parse, then typ, alg, crit, jti, htm, htu, iat (and ath, nonce), then the key (RSA 2048..8192 bits
// with e = 65537, EC P-256/P-384/P-521, Ed25519), then the signature, and the jti is spent last.

import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { ath, dpopKey, proof } from '../helpers/dpop';
import { TOKEN_URL } from '../helpers/jwt';
import { createServer, form, type TestServer } from '../helpers/server';

const key = dpopKey('ES256');
const other = dpopKey('ES256');
const now = () => Math.floor(Date.now() / 1000);
const login = { grant_type: 'password', client_id: 'cli', username: 'alice', password: 'correct horse', scope: 'orders' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(s: TestServer, dpop: string) {
  return request(s.app).post('/oauth2/token').set('DPoP', dpop).type('form').send(form(login));
}

/** A proof signed with node:crypto, for keys jsonwebtoken refuses to sign with (1024-bit RSA, secp256k1). */
function rawProof(alg: 'RS256' | 'ES256', jwk: Record<string, unknown>, signer: KeyObject | undefined, claims: Record<string, unknown> = {}): string {
  const input = `${b64({ typ: 'dpop+jwt', alg, jwk })}.${b64({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: now(), ...claims })}`;
  const signature =
    signer === undefined
      ? randomBytes(alg === 'RS256' ? 256 : 64)
      : sign('sha256', Buffer.from(input), alg === 'ES256' ? { key: signer, dsaEncoding: 'ieee-p1363' } : signer);
  return `${input}.${signature.toString('base64url')}`;
}

const publicJwk = (k: KeyObject) => k.export({ format: 'jwk' }) as Record<string, unknown>;

/**
 * A 16,384-bit RSA public key. Generating a real pair of that size takes tens of seconds; the key is refused
 * before any signature is checked, so nobody needs to hold its private half (the attack proof is garbage-signed).
 */
function hugeRsaJwk(): Record<string, unknown> {
  const n = randomBytes(2048);
  n[0] |= 0x80;
  n[2047] |= 1;
  return { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' };
}

const rsaE3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const x25519 = generateKeyPairSync('x25519');

const rejected = (detail: string) => [{ name: 'token.rejected', payload: expect.objectContaining({ error: 'invalid_dpop_proof', detail }) }];

describe('cheap checks before the signature', () => {
  // Each proof is signed by another key than its jwk AND fails one cheap check: the cheap check must decide.
  const badlySigned = (options: Parameters<typeof proof>[1]) => proof(key, { ...options, signWith: other.privateKey });
  it.each([
    ['htm is GET', () => badlySigned({ htu: TOKEN_URL, htm: 'GET' }), 'htm does not match the request method'],
    ['htu names another URL', () => badlySigned({ htu: 'https://evil.example.com/oauth2/token' }), 'htu does not match the request URL'],
    ['iat is ten minutes old', () => badlySigned({ htu: TOKEN_URL, claims: { iat: now() - 600 } }), 'iat is too old'],
    ['iat is ten minutes ahead', () => badlySigned({ htu: TOKEN_URL, claims: { iat: now() + 600 } }), 'iat is in the future'],
    ['jti is missing', () => badlySigned({ htu: TOKEN_URL, claims: { jti: undefined } }), 'missing or oversized jti'],
    ['jti is 257 characters', () => badlySigned({ htu: TOKEN_URL, claims: { jti: 'j'.repeat(257) } }), 'missing or oversized jti'],
    ['crit is present', () => badlySigned({ htu: TOKEN_URL, header: { crit: ['exp'] } }), 'crit names an extension this server does not understand'],
  ])('a badly signed proof whose %s is refused for that, not for its signature', async (_name, make, detail) => {
    const s = await createServer({
      verifyUser: () => {
        throw new Error('should not be called');
      },
    });
    const res = await token(s, make());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(s.events).toEqual(rejected(detail));
  });

  it('asks a badly signed proof without a nonce for one before touching its key (dpop.nonce on)', async () => {
    const s = await createServer({ dpop: { nonce: true } });
    const res = await token(s, proof(key, { htu: TOKEN_URL, signWith: other.privateKey }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('use_dpop_nonce');
  });

  it('does not spend the jti of a badly signed proof: the genuine proof with that jti still works once', async () => {
    const s = await createServer();
    const jti = randomUUID();
    const forged = await token(s, proof(key, { htu: TOKEN_URL, claims: { jti }, signWith: other.privateKey }));
    expect(forged.status).toBe(400);
    expect(s.events).toEqual(rejected('signature does not verify with the jwk'));
    const genuine = proof(key, { htu: TOKEN_URL, claims: { jti } });
    expect((await token(s, genuine)).status).toBe(200);
    expect((await token(s, genuine)).status).toBe(400);
  });
});

describe('bounds on the proof key', () => {
  it.each([
    ['a 16,384-bit RSA key (garbage signature)', () => rawProof('RS256', hugeRsaJwk(), undefined), 'jwk RSA modulus of 16384 bits is outside 2048..8192'],
    [
      'an RSA key with e = 3 (valid signature)',
      () => proof({ ...rsaE3, alg: 'RS256', jwk: publicJwk(rsaE3.publicKey) }, { htu: TOKEN_URL }),
      'jwk RSA public exponent is not 65537',
    ],
    ['an RSA key with e = 3 (garbage signature)', () => rawProof('RS256', publicJwk(rsaE3.publicKey), undefined), 'jwk RSA public exponent is not 65537'],
    [
      'a 1024-bit RSA key (valid signature)',
      () => rawProof('RS256', publicJwk(rsa1024.publicKey), rsa1024.privateKey),
      'jwk RSA modulus of 1024 bits is outside 2048..8192',
    ],
    [
      'a secp256k1 key under ES256 (valid signature)',
      () => rawProof('ES256', publicJwk(k256.publicKey), k256.privateKey),
      'jwk EC curve is not P-256, P-384 or P-521',
    ],
    ['an X25519 (key agreement) key', () => rawProof('ES256', publicJwk(x25519.publicKey), undefined), 'jwk key type x25519 is not accepted'],
  ])('refuses %s before checking any signature', async (_name, make, detail) => {
    const s = await createServer();
    const res = await token(s, make());
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(s.events).toEqual(rejected(detail));
  });

  it('refuses a 16,384-bit proof key at a resource too, with 401', async () => {
    const s = await createServer();
    const bound = await token(s, proof(key, { htu: TOKEN_URL }));
    const at = bound.body.access_token as string;
    const huge = rawProof('RS256', hugeRsaJwk(), undefined, { htm: 'GET', htu: 'http://api.example.com/api/orders', ath: ath(at) });
    const res = await request(s.app).get('/api/orders').set('Host', 'api.example.com').set('Authorization', `DPoP ${at}`).set('DPoP', huge);
    expect(res.status).toBe(401);
    expect(s.events.filter((e) => e.name === 'token.rejected')).toEqual([
      {
        name: 'token.rejected',
        payload: expect.objectContaining({ error: 'invalid_dpop_proof', detail: 'jwk RSA modulus of 16384 bits is outside 2048..8192' }),
      },
    ]);
  });

  it('accepts 2048-bit RSA (e = 65537), P-256 keys as before', async () => {
    const s = await createServer();
    for (const k of [dpopKey('RS256'), dpopKey('PS256'), dpopKey('ES256')]) {
      expect((await token(s, proof(k, { htu: TOKEN_URL }))).status).toBe(200);
    }
  });
});
