// lib/client-auth/metadata.ts
// The RFC 8414 §2 / RFC 9449 §5.1 metadata members that describe client authentication and DPoP, for discovery.

import type { Config } from '../options';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from '../jose/algorithms';
import type { ClientAuthMethod } from '../types';

/** Every client authentication method the token, revocation and introspection endpoints accept. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt', 'none'];

/**
 * Metadata members for the discovery documents: `token_endpoint_auth_methods_supported`,
 * `token_endpoint_auth_signing_alg_values_supported` (RFC 8414 §2) and, unless `dpop: false`,
 * `dpop_signing_alg_values_supported` (RFC 9449 §5.1). Endpoints sharing `authenticateClient` (revocation,
 * introspection) accept the same methods and algorithms.
 * @example res.json({ issuer, token_endpoint, ...clientAuthMetadata(ctx.config) })
 */
export function clientAuthMetadata(config: Config): Record<string, readonly string[]> {
  const algs = [...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS];
  const metadata: Record<string, readonly string[]> = {
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: algs,
  };
  if (config.dpop.enabled) metadata.dpop_signing_alg_values_supported = config.dpop.algorithms;
  return metadata;
}
