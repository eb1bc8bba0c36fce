// lib/jose/verify-signature.ts
// Checks a JWS signature with node:crypto for one pinned algorithm, and that the key suits it (RFC 7518 §3).

import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm, HmacAlgorithm } from './algorithms';

const HASH: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

// RFC 7518 §3.4: the curve goes with the algorithm; the signature is R || S, each the curve's size.
const CURVES: Readonly<Record<string, { readonly curve: string; readonly size: number }>> = {
  ES256: { curve: 'prime256v1', size: 64 },
  ES384: { curve: 'secp384r1', size: 96 },
  ES512: { curve: 'secp521r1', size: 132 },
};

/**
 * True when `key` is a public key of the type `alg` needs (RSA of at least 2048 bits for RS and PS, the matching
 * curve for ES, Ed25519 for EdDSA). A key that does not fit is never tried: this is what stops algorithm confusion.
 */
export function keyFitsAlgorithm(key: KeyObject, alg: AsymmetricAlgorithm): boolean {
  if (key.type !== 'public') return false;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    const rsa = type === 'rsa' || (type === 'rsa-pss' && alg.startsWith('PS'));
    // RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
    return rsa && (details.modulusLength ?? 0) >= 2048;
  }
  if (alg === 'EdDSA') return type === 'ed25519';
  return type === 'ec' && details.namedCurve === CURVES[alg].curve;
}

/** Verifies `signature` over `signingInput` with a public key that fits `alg`; false on any mismatch. */
export function verifyAsymmetric(alg: AsymmetricAlgorithm, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  if (!keyFitsAlgorithm(key, alg)) return false;
  const data = Buffer.from(signingInput, 'ascii');
  try {
    if (alg === 'EdDSA') return verify(null, data, key, signature);
    const hash = HASH[alg.slice(2)];
    if (alg.startsWith('RS')) return verify(hash, data, key, signature);
    if (alg.startsWith('PS')) {
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
    }
    if (signature.length !== CURVES[alg].size) return false;
    return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/** The minimum HMAC key size in bytes: RFC 7518 §3.2, "a key of the same size as the hash output ... or larger". */
export const hmacKeyBytes = (alg: HmacAlgorithm): number => Number(alg.slice(2)) / 8;

/** Verifies an HMAC JWS signature in constant time; false when the secret is shorter than `alg` requires. */
export function verifyHmac(alg: HmacAlgorithm, secret: Buffer, signingInput: string, signature: Buffer): boolean {
  if (secret.length < hmacKeyBytes(alg)) return false;
  const expected = createHmac(HASH[alg.slice(2)], secret).update(signingInput, 'ascii').digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}
