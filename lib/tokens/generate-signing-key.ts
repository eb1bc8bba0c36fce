// lib/tokens/generate-signing-key.ts
// A fresh asymmetric signing key for `signingKeys`: private PEM, its kid (RFC 7638 thumbprint) and public JWK.

import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { jwkThumbprint } from '../jose/jwk-thumbprint';
import { fail, isObject } from '../util/assert';
import { publicJwkOf, type PublicJwk } from '../jose/jwk';

/** The algorithms a generated key can be for (HS256 is a shared secret: any 32 random bytes). */
export type GeneratedKeyAlgorithm = 'RS256' | 'PS256' | 'ES256';

const GENERATED_ALGORITHMS: readonly GeneratedKeyAlgorithm[] = ['RS256', 'PS256', 'ES256'];

export interface GenerateSigningKeyOptions {
  /** Default `RS256`: OpenID Connect Discovery §3 requires RS256 among the id_token algorithms. */
  readonly alg?: GeneratedKeyAlgorithm;
  /** Default: the key's RFC 7638 JWK thumbprint, so the kid changes exactly when the key does. */
  readonly kid?: string;
}

export interface GeneratedSigningKey {
  readonly kid: string;
  readonly alg: GeneratedKeyAlgorithm;
  /** PKCS#8 PEM; keep it secret (a file of mode 0600, a secret manager). */
  readonly privateKeyPem: string;
  /** What `GET /jwks` will publish for it. */
  readonly publicJwk: PublicJwk;
}

/**
 * Generates a signing key: RSA 2048 bits for RS256 and PS256 (RFC 7518 §3.3, §3.5: at least 2048), P-256 for ES256.
 * `{ kid, alg, key: privateKeyPem }` is a `signingKeys` entry.
 * @example
 * const { kid, alg, privateKeyPem } = generateSigningKey({ alg: 'ES256' });
 * passwordGrant({ ..., signingKeys: { kid, alg, key: privateKeyPem } });
 */
export function generateSigningKey(options: GenerateSigningKeyOptions = {}): GeneratedSigningKey {
  // Checked as unknown: a JavaScript caller may pass anything.
  const given: unknown = options;
  if (!isObject(given)) fail('generateSigningKey options', 'an object { alg?, kid? }');
  const alg = (given.alg ?? 'RS256') as GeneratedKeyAlgorithm;
  if (!GENERATED_ALGORITHMS.includes(alg)) fail('generateSigningKey options.alg', `one of ${GENERATED_ALGORITHMS.join(', ')}`);
  if (given.kid !== undefined && (typeof given.kid !== 'string' || given.kid.length === 0)) {
    fail('generateSigningKey options.kid', 'a non-empty string');
  }
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const kid = given.kid ?? jwkThumbprint(createPublicKey(privateKey));
  return { kid, alg, privateKeyPem, publicJwk: publicJwkOf(privateKey, kid, alg) };
}
