// lib/dpop/options.ts
// The `dpop` option (RFC 9449): whether proofs are required, which algorithms they may use, how fresh they must be.

import { ConfigError } from '../errors/config-error';
import { ASYMMETRIC_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from '../jws/verify-signature';
import { assertBoolean, assertPositiveInteger, fail, isObject } from '../util/assert';

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
}

export interface ResolvedDpopOptions {
  readonly enabled: boolean;
  readonly required: boolean;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly proofMaxAge: number;
}

/** Preference order for `dpop_signing_alg_values_supported` and the `algs` challenge parameter. */
export const DEFAULT_DPOP_ALGORITHMS: readonly AsymmetricAlgorithm[] = [
  'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA',
];

const KNOWN = new Set(['required', 'algorithms', 'proofMaxAge']);

/** Validates `options.dpop`; throws ConfigError naming the wrong member. */
export function resolveDpopOptions(value: unknown): ResolvedDpopOptions {
  if (value === false) return { enabled: false, required: false, algorithms: DEFAULT_DPOP_ALGORITHMS, proofMaxAge: 60 };
  if (value === undefined) return { enabled: true, required: false, algorithms: DEFAULT_DPOP_ALGORITHMS, proofMaxAge: 60 };
  if (!isObject(value)) fail('options.dpop', 'an object or false');
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) throw new ConfigError('ERR_EPG_UNKNOWN_OPTION', `options.dpop.${key} is not a known option`);
  }
  const { required = false, algorithms = DEFAULT_DPOP_ALGORITHMS, proofMaxAge = 60 } = value;
  assertBoolean(required, 'options.dpop.required');
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('options.dpop.algorithms', 'a non-empty array');
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new ConfigError('ERR_EPG_UNSUPPORTED_ALG', `options.dpop.algorithms may only contain ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
  }
  assertPositiveInteger(proofMaxAge, 'options.dpop.proofMaxAge');
  return { enabled: true, required, algorithms: [...(algorithms as AsymmetricAlgorithm[])], proofMaxAge };
}
