// lib/jose/algorithms.ts
// The one list of JWS algorithms: what we verify (client assertions, DPoP proofs), sign with, and prefer for DPoP.

/** Asymmetric JWS algorithms we verify (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
export type AsymmetricAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** HMAC JWS algorithms (RFC 7518 §3.2). */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Every asymmetric algorithm `verifyAsymmetric` supports, in RFC 7518 order. */
export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Every HMAC algorithm `verifyHmac` supports. */
export const HMAC_ALGORITHMS: readonly HmacAlgorithm[] = ['HS256', 'HS384', 'HS512'];

/**
 * The algorithms our own tokens are signed with (`signingKeys[].alg`). All are 256-bit, which the id_token's
 * `at_hash` relies on (OIDC Core §3.1.3.6: the hash follows the alg of the ID Token's JOSE header).
 */
export type SigningAlgorithm = Extract<AsymmetricAlgorithm | HmacAlgorithm, 'RS256' | 'PS256' | 'ES256' | 'HS256'>;

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'HS256'];

/** Preference order for `dpop_signing_alg_values_supported`, the `algs` challenge parameter and `dpop.algorithms`. */
export const DPOP_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'];

/** True for an asymmetric JWS `alg` we verify (never `none`, never HS*). */
export const isAsymmetricAlgorithm = (alg: unknown): alg is AsymmetricAlgorithm => ASYMMETRIC_ALGORITHMS.includes(alg as AsymmetricAlgorithm);

/** True for HS256, HS384 or HS512. */
export const isHmacAlgorithm = (alg: unknown): alg is HmacAlgorithm => HMAC_ALGORITHMS.includes(alg as HmacAlgorithm);

/** True for an algorithm `signingKeys` may name. */
export const isSigningAlgorithm = (alg: unknown): alg is SigningAlgorithm => SIGNING_ALGORITHMS.includes(alg as SigningAlgorithm);
