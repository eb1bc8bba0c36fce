// lib/options/dpop.ts
// The `dpop` option (RFC 9449): whether proofs are required, which algorithms they may use, how fresh they must be.

import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/config-error';
import { ASYMMETRIC_ALGORITHMS, DPOP_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from '../jose/algorithms';
import { assertBoolean, assertKnownKeys, assertPositiveInteger, fail, isObject, secretBytes } from '../util/assert';

/**
 * DPoP settings. Proofs are always accepted at `/token` (a client opts in by sending one); `required` makes them
 * mandatory for every client, `Client.dpopBoundAccessTokens` for one. `dpop: false` ignores DPoP headers at `/token`.
 * @example passwordGrant({ ..., dpop: { required: true, algorithms: ['ES256', 'EdDSA'] } })
 */
export interface DpopOptions {
  /** Every token request must carry a DPoP proof. Default false. */
  readonly required?: boolean;
  /** Proof algorithms accepted (asymmetric only). Default: ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512, EdDSA. */
  readonly algorithms?: readonly AsymmetricAlgorithm[];
  /** Seconds a proof stays acceptable after its `iat` (plus `clockTolerance`). Default 60. */
  readonly proofMaxAge?: number;
  /**
   * Require server-provided nonces in proofs (RFC 9449 §8, §9): `true`, or `{ secret, lifetime }`. `secret` (at
   * least 32 bytes) must be shared by every process that verifies proofs; default: random per instance.
   * `lifetime` (seconds, default 300): a nonce is accepted for one to two lifetimes. Default: no nonces.
   */
  readonly nonce?: boolean | { readonly secret?: string | Buffer; readonly lifetime?: number };
}

/** The resolved `dpop.nonce` setting. */
export interface NonceConfig {
  readonly secret: Buffer;
  /** Seconds per slot; a nonce is accepted in its own slot and the next one. */
  readonly lifetime: number;
}

/** `options.dpop` after validation, as `Config.dpop`. */
export interface ResolvedDpopOptions {
  readonly enabled: boolean;
  readonly required: boolean;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly proofMaxAge: number;
  readonly nonce: NonceConfig | undefined;
}

/** Validates `options.dpop`; throws ConfigError naming the wrong member. */
export function resolveDpopOptions(value: unknown): ResolvedDpopOptions {
  const defaults = { required: false, algorithms: DPOP_ALGORITHMS, proofMaxAge: 60, nonce: undefined };
  if (value === false) return { enabled: false, ...defaults };
  if (value === undefined) return { enabled: true, ...defaults };
  if (!isObject(value)) fail('options.dpop', 'an object or false');
  assertKnownKeys(value, ['required', 'algorithms', 'proofMaxAge', 'nonce'], 'options.dpop');
  const { required = false, algorithms = DPOP_ALGORITHMS, proofMaxAge = 60, nonce } = value;
  assertBoolean(required, 'options.dpop.required');
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('options.dpop.algorithms', 'a non-empty array');
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new ConfigError('ERR_EPG_UNSUPPORTED_ALG', `options.dpop.algorithms may only contain ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
  }
  assertPositiveInteger(proofMaxAge, 'options.dpop.proofMaxAge');
  return { enabled: true, required, algorithms: [...(algorithms as AsymmetricAlgorithm[])], proofMaxAge, nonce: resolveNonce(nonce) };
}

function resolveNonce(value: unknown): NonceConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { secret: randomBytes(32), lifetime: 300 };
  if (!isObject(value)) fail('options.dpop.nonce', 'a boolean or an object { secret, lifetime }');
  assertKnownKeys(value, ['secret', 'lifetime'], 'options.dpop.nonce');
  const { secret, lifetime = 300 } = value;
  assertPositiveInteger(lifetime, 'options.dpop.nonce.lifetime');
  if (secret === undefined) return { secret: randomBytes(32), lifetime };
  return { secret: secretBytes(secret, 'options.dpop.nonce.secret'), lifetime };
}
