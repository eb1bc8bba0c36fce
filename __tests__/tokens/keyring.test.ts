// __tests__/tokens/keyring.test.ts
// The keyring: the first key signs, every key verifies under its own pinned algorithm, secrets stay secret.

import { createHmac, createSecretKey, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ConfigError } from '../../lib';
import { createKeyring } from '../../lib/options/signing-keys';
import { signJwt } from '../../lib/tokens/sign';
import { ecPem, rsaKeyPair, rsaPem } from '../helpers/keys';

const SECRET = 'a shared HS256 secret of 32+ bytes!';

describe('createKeyring', () => {
  it('takes one key or a list: the first signs, all are found by kid, algorithms listed once each', () => {
    const single = createKeyring({ kid: 'only', alg: 'RS256', key: rsaPem() });
    expect(single.signer.kid).toBe('only');
    expect([...single.byKid.keys()]).toEqual(['only']);

    const ring = createKeyring([
      { kid: 'new', alg: 'ES256', key: ecPem() },
      { kid: 'old', alg: 'RS256', key: rsaPem() },
      { kid: 'older', alg: 'RS256', key: rsaKeyPair().publicKey },
    ]);
    expect(ring.signer.kid).toBe('new');
    expect([...ring.byKid.keys()]).toEqual(['new', 'old', 'older']);
    expect(ring.algorithms).toEqual(['ES256', 'RS256']);
  });

  it('derives the public verification key from a private PEM, and keeps a public key verify-only', () => {
    const { privateKey, publicKey } = rsaKeyPair();
    const ring = createKeyring([
      { kid: 'a', alg: 'RS256', key: privateKey.export({ type: 'pkcs8', format: 'pem' }) },
      { kid: 'b', alg: 'RS256', key: publicKey.export({ type: 'spki', format: 'pem' }) },
    ]);
    const a = ring.byKid.get('a')!;
    const b = ring.byKid.get('b')!;
    expect(a.verifyKey.type).toBe('public');
    expect(a.verifyKey.export({ type: 'spki', format: 'pem' })).toEqual(publicKey.export({ type: 'spki', format: 'pem' }));
    expect(b.signingKey).toBeUndefined();
    expect([a.symmetric, b.symmetric]).toEqual([false, false]);
  });

  it('keeps an HS256 secret as a secret KeyObject used for both signing and verifying', () => {
    const ring = createKeyring({ kid: 'hs', alg: 'HS256', key: Buffer.from(SECRET) });
    const key = ring.signer;
    expect(key.symmetric).toBe(true);
    expect(key.signingKey?.type).toBe('secret');
    expect(key.verifyKey).toBe(key.signingKey);
  });

  it('accepts an RSASSA-PSS key for PS256 only', () => {
    const { privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    expect(createKeyring({ kid: 'ps', alg: 'PS256', key: privateKey }).signer.alg).toBe('PS256');
    expect(() => createKeyring({ kid: 'rs', alg: 'RS256', key: privateKey })).toThrow('options.signingKeys.key must be an RSA key for RS256');
  });

  it.each([
    [
      'a secret KeyObject for RS256',
      { kid: 'k', alg: 'RS256', key: createSecretKey(Buffer.from(SECRET)) },
      'options.signingKeys.key must be an asymmetric key',
    ],
    ['a private key for HS256', { kid: 'k', alg: 'HS256', key: rsaKeyPair().privateKey }, 'options.signingKeys.key must be a secret for HS256'],
    ['a number as key', { kid: 'k', alg: 'RS256', key: 42 }, 'options.signingKeys.key must be a PEM string, Buffer or KeyObject'],
    ['an empty kid', { kid: '', alg: 'RS256', key: rsaPem() }, 'options.signingKeys.kid must be a non-empty string'],
    ['a key that is not an object', 'k1', 'options.signingKeys must be an object { kid, alg, key }'],
  ])('refuses %s with a ConfigError naming the path', (_name, option, message) => {
    let thrown: unknown;
    try {
      createKeyring(option);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe(message);
  });

  it('names the index of the wrong key in a list', () => {
    expect(() =>
      createKeyring([
        { kid: 'a', alg: 'RS256', key: rsaPem() },
        { kid: 'b', alg: 'HS256', key: 'short' },
      ]),
    ).toThrow('options.signingKeys[1].key must be at least 32 bytes for HS256 (RFC 7518 §3.2)');
  });
});

describe('signJwt with the keyring', () => {
  const parts = (token: string) => token.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

  it('signs with the first key, its alg and kid in the header, and the signature verifies with its public key', () => {
    const ring = createKeyring([
      { kid: 'es', alg: 'ES256', key: ecPem() },
      { kid: 'rs', alg: 'RS256', key: rsaPem() },
    ]);
    const token = signJwt(ring, { sub: 'u1' }, 'at+jwt');
    const [header, payload] = parts(token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'es' });
    expect(payload).toMatchObject({ sub: 'u1' });
    const [h, p, s] = token.split('.');
    const ok = cryptoVerify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: ring.byKid.get('es')!.verifyKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    expect(ok).toBe(true);
  });

  it('signs HS256 with the secret (an independent HMAC agrees), and the token fails under any other algorithm', () => {
    const ring = createKeyring({ kid: 'hs', alg: 'HS256', key: SECRET });
    const token = signJwt(ring, { sub: 'u1' }, 'JWT');
    const [h, p, s] = token.split('.');
    expect(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')).toBe(s);
    expect(() => jwt.verify(token, SECRET, { algorithms: ['HS384'] })).toThrow();
  });
});
