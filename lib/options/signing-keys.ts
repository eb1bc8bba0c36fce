// lib/options/signing-keys.ts
// The `signingKeys` option: one key or several, each checked for its algorithm and strength, parsed once into the keyring.

import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { ConfigError } from '../errors/config-error';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../jose/algorithms';
import type { Key, Keyring } from '../tokens/keyring';
import { fail, isObject } from '../util/assert';

/** One key as the app gives it. `key` is a PEM string, a KeyObject, or for HS256 a secret of at least 32 bytes. */
export interface SigningKeyOption {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly key: string | Buffer | KeyObject;
}

export function createKeyring(option: unknown): Keyring {
  if (option === undefined) {
    throw new ConfigError(
      'ERR_EPG_MISSING_OPTION',
      'options.signingKeys is required: `npx express-password-grant keys` writes a signing key and prints the signingKeys line that loads it',
    );
  }
  const list = Array.isArray(option) ? option : [option];
  if (list.length === 0) fail('options.signingKeys', 'a key or a non-empty array of keys');
  const keys = list.map((k, i) => parseKey(k, Array.isArray(option) ? `options.signingKeys[${i}]` : 'options.signingKeys'));
  const byKid = new Map<string, Key>();
  for (const key of keys) {
    if (byKid.has(key.kid)) fail('options.signingKeys', `unique by kid (duplicate "${key.kid}")`);
    byKid.set(key.kid, key);
  }
  const signer = keys[0];
  if (signer.signingKey === undefined) fail('options.signingKeys[0].key', 'a private key (the first key signs)');
  return { signer, byKid, algorithms: [...new Set(keys.map((k) => k.alg))] };
}

function parseKey(value: unknown, path: string): Key {
  if (!isObject(value)) fail(path, 'an object { kid, alg, key }');
  const { kid, alg, key } = value;
  if (typeof kid !== 'string' || kid.length === 0) fail(`${path}.kid`, 'a non-empty string');
  if (!isSigningAlgorithm(alg)) {
    throw new ConfigError('ERR_EPG_UNSUPPORTED_ALG', `${path}.alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  const algorithm = alg;
  if (algorithm === 'HS256') return secretKey(kid, key, path);
  const parsed = asymmetricKey(key, `${path}.key`);
  checkStrength(algorithm, parsed.publicKey, `${path}.key`);
  return { kid, alg: algorithm, signingKey: parsed.privateKey, verifyKey: parsed.publicKey, symmetric: false };
}

function secretKey(kid: string, key: unknown, path: string): Key {
  let secret: KeyObject;
  if (key instanceof KeyObject) {
    if (key.type !== 'secret') fail(`${path}.key`, 'a secret for HS256');
    secret = key;
  } else if (typeof key === 'string' || Buffer.isBuffer(key)) {
    secret = createSecretKey(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  } else {
    fail(`${path}.key`, 'a string, Buffer or secret KeyObject');
  }
  // RFC 7518 §3.2: a key of the same size as the hash output (256 bits) or larger MUST be used with HS256.
  if ((secret.symmetricKeySize ?? 0) < 32) {
    throw new ConfigError('ERR_EPG_WEAK_KEY', `${path}.key must be at least 32 bytes for HS256 (RFC 7518 §3.2)`);
  }
  return { kid, alg: 'HS256', signingKey: secret, verifyKey: secret, symmetric: true };
}

function asymmetricKey(key: unknown, path: string): { privateKey: KeyObject | undefined; publicKey: KeyObject } {
  try {
    if (key instanceof KeyObject) {
      if (key.type === 'private') return { privateKey: key, publicKey: createPublicKey(key) };
      if (key.type === 'public') return { privateKey: undefined, publicKey: key };
      fail(path, 'an asymmetric key');
    }
    if (typeof key !== 'string' && !Buffer.isBuffer(key)) fail(path, 'a PEM string, Buffer or KeyObject');
    if (String(key).includes('PRIVATE KEY')) {
      const privateKey = createPrivateKey(key);
      return { privateKey, publicKey: createPublicKey(privateKey) };
    }
    return { privateKey: undefined, publicKey: createPublicKey(key) };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail(path, 'a valid PEM key');
  }
}

function checkStrength(alg: SigningAlgorithm, publicKey: KeyObject, path: string): void {
  const type = publicKey.asymmetricKeyType;
  const details = publicKey.asymmetricKeyDetails ?? {};
  if (alg === 'ES256') {
    if (type !== 'ec' || details.namedCurve !== 'prime256v1') fail(path, 'a P-256 EC key for ES256');
    return;
  }
  if (type !== 'rsa' && !(alg === 'PS256' && type === 'rsa-pss')) fail(path, `an RSA key for ${alg}`);
  // RFC 7518 §3.3: a key of size 2048 bits or larger MUST be used with these algorithms.
  if ((details.modulusLength ?? 0) < 2048) {
    throw new ConfigError('ERR_EPG_WEAK_KEY', `${path} must be an RSA key of at least 2048 bits (RFC 7518 §3.3)`);
  }
}
