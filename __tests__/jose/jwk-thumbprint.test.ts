// __tests__/jose/jwk-thumbprint.test.ts
// RFC 7638 §3.1: the worked example's thumbprint, and the same value whatever extra members a JWK carries.

import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { jwkThumbprint } from '../../lib';

const RFC7638_JWK = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
    'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5ha' +
    'jrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

it('computes the RFC 7638 §3.1 example thumbprint', () => {
  const key = createPublicKey({ key: RFC7638_JWK, format: 'jwk' });
  expect(jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

it('gives one thumbprint per key, and different ones for different keys (EC and Ed25519)', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const fromJwk = createPublicKey({ key: { ...ec.publicKey.export({ format: 'jwk' }), kid: 'x', use: 'sig' }, format: 'jwk' });
  expect(jwkThumbprint(fromJwk)).toBe(jwkThumbprint(ec.publicKey));
  expect(jwkThumbprint(ec.publicKey)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const ed = generateKeyPairSync('ed25519');
  expect(jwkThumbprint(ed.publicKey)).not.toBe(jwkThumbprint(ec.publicKey));
});
