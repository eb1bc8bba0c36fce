// generateSigningKey(): a key that works as `signingKeys` as returned, whose kid is its RFC 7638 thumbprint and whose
// publicJwk is exactly what /jwks publishes and what verifies the tokens.
// RFC 7638 §3.2: "The required members for an RSA public key ... are "e", "kty", "n" ... for an elliptic curve public
// key ... "crv", "kty", "x", "y"", in lexicographic order, without whitespace; the thumbprint is their SHA-256.
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { generateSigningKey, type GeneratedKeyAlgorithm } from '../../lib';
import { loginWeb } from '../helpers/login';
import { createServer } from '../helpers/server';

describe('generateSigningKey', () => {
  it.each<[GeneratedKeyAlgorithm, string, Record<string, unknown>]>([
    ['RS256', 'rsa', { modulusLength: 2048 }],
    ['PS256', 'rsa', { modulusLength: 2048 }],
    ['ES256', 'ec', { namedCurve: 'prime256v1' }],
  ])('%s: usable as signingKeys as returned; /jwks publishes publicJwk, which verifies the issued token', async (alg, type, details) => {
    const key = generateSigningKey({ alg });
    expect(key.alg).toBe(alg);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const parsed = createPrivateKey(key.privateKeyPem);
    expect(parsed.asymmetricKeyType).toBe(type);
    expect(parsed.asymmetricKeyDetails).toMatchObject(details);

    const { app } = await createServer({ signingKeys: { kid: key.kid, alg: key.alg, key: key.privateKeyPem } });
    const jwks = await request(app).get('/oauth2/jwks');
    expect(jwks.body).toEqual({ keys: [key.publicJwk] });
    const tokens = await loginWeb(app, 'orders'); // throws unless 200
    const publicKey = createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' });
    const verified = jwt.verify(tokens.access_token, publicKey, { algorithms: [alg], complete: true });
    expect(verified.header).toMatchObject({ alg, kid: key.kid, typ: 'at+jwt' });
  });

  it('defaults to RS256 with the RFC 7638 thumbprint as kid, and publishes no private member', () => {
    const key = generateSigningKey();
    expect(key.alg).toBe('RS256');
    const { n, e } = createPublicKey(key.privateKeyPem).export({ format: 'jwk' });
    const canonical = `{"e":"${e}","kty":"RSA","n":"${n}"}`;
    expect(key.kid).toBe(createHash('sha256').update(canonical).digest('base64url'));
    expect(key.publicJwk).toEqual({ kty: 'RSA', n, e, kid: key.kid, alg: 'RS256', use: 'sig' });
  });

  it('gives an EC key its thumbprint over crv, kty, x, y; a kid given is used as is; every call makes a new key', () => {
    const ec = generateSigningKey({ alg: 'ES256' });
    const { crv, x, y } = ec.publicJwk;
    expect(ec.kid).toBe(createHash('sha256').update(`{"crv":"${crv}","kty":"EC","x":"${x}","y":"${y}"}`).digest('base64url'));
    expect(Object.keys(ec.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const named = generateSigningKey({ alg: 'ES256', kid: '2026-01' });
    expect(named.kid).toBe('2026-01');
    expect(named.publicJwk.kid).toBe('2026-01');
    expect(named.privateKeyPem).not.toBe(ec.privateKeyPem);
  });

  it.each([
    [{ alg: 'HS256' }, 'generateSigningKey options.alg must be one of RS256, PS256, ES256'],
    [{ alg: 'none' }, 'generateSigningKey options.alg must be one of RS256, PS256, ES256'],
    [{ kid: '' }, 'generateSigningKey options.kid must be a non-empty string'],
    [{ kid: 7 }, 'generateSigningKey options.kid must be a non-empty string'],
    ['ES256', 'generateSigningKey options must be an object { alg?, kid? }'],
  ])('rejects %j with a ConfigError naming the option', (bad, message) => {
    expect(() => generateSigningKey(bad as never)).toThrow(expect.objectContaining({ code: 'ERR_EPG_INVALID_OPTION', message }));
  });
});
