// lib/options/client-assertion.ts
// The `clientAssertion` option: which `aud` values and how long a lifetime a JWT client assertion may have.

import { assertKnownKeys, assertPositiveInteger, fail, isObject } from '../util/assert';

/**
 * Options for private_key_jwt and client_secret_jwt assertions (RFC 7523 §3).
 * @example passwordGrant({ ..., clientAssertion: { audiences: ['https://public.example.com/auth/token'], maxLifetime: 120 } })
 */
export interface ClientAssertionOptions {
  /**
   * `aud` values accepted besides the issuer and the token endpoint URL (issuer origin + mount path + `/token`),
   * e.g. the public token URL when a proxy rewrites paths. Default none.
   */
  readonly audiences?: readonly string[];
  /** Longest accepted lifetime, `exp` minus now, in seconds; also how long a `jti` is remembered. Default 300. */
  readonly maxLifetime?: number;
}

/** `options.clientAssertion` after validation, as `Config.clientAssertion`. */
export interface ResolvedClientAssertionOptions {
  readonly audiences: readonly string[];
  readonly maxLifetime: number;
}

/** Validates `options.clientAssertion`; throws ConfigError naming the wrong member. */
export function resolveClientAssertionOptions(value: unknown): ResolvedClientAssertionOptions {
  if (value === undefined) return { audiences: [], maxLifetime: 300 };
  if (!isObject(value)) fail('options.clientAssertion', 'an object');
  assertKnownKeys(value, ['audiences', 'maxLifetime'], 'options.clientAssertion');
  const { audiences = [], maxLifetime = 300 } = value;
  if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === 'string' && a.length > 0)) {
    fail('options.clientAssertion.audiences', 'an array of non-empty strings');
  }
  assertPositiveInteger(maxLifetime, 'options.clientAssertion.maxLifetime');
  return { audiences: [...(audiences as string[])], maxLifetime };
}
