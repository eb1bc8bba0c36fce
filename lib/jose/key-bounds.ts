// lib/jose/key-bounds.ts
// Bounds on public keys the library did not configure (DPoP proof keys, client keys): size, exponent and curve.

import type { KeyObject } from 'node:crypto';

/** RSA modulus bounds in bits: RFC 7518 §3.3 sets the floor; the ceiling bounds the cost of one verification. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;
/** The only RSA public exponent accepted: F4, what every mainstream implementation generates. */
export const RSA_EXPONENT = 65537n;

/** The EC curves of ES256, ES384 and ES512 (RFC 7518 §3.4), by Node's names. */
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * Why a caller-supplied public key is refused before any signature is checked with it, or undefined when it is
 * acceptable. Verification cost grows with the RSA modulus (roughly quadratically) and with the public exponent,
 * so an unbounded key lets anyone who can send one (a DPoP proof needs only a public client_id) buy a lot of CPU
 * with a single replayed request. Keys the application configured itself (the signing keyring) are not checked here.
 * @example const why = foreignKeyProblem(key); if (why !== undefined) throw fail(`jwk ${why}`)
 */
export function foreignKeyProblem(key: KeyObject): string | undefined {
  if (key.type !== 'public') return 'is not a public key';
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) return `RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`;
    if (details.publicExponent !== RSA_EXPONENT) return `RSA public exponent is not ${RSA_EXPONENT}`;
    return undefined;
  }
  if (type === 'ec') return CURVES.has(details.namedCurve ?? '') ? undefined : 'EC curve is not P-256, P-384 or P-521';
  if (type === 'ed25519') return undefined;
  return `key type ${String(type)} is not accepted`;
}
