// lib/discovery/client-auth-metadata.ts
// The client authentication members of the metadata: which methods each endpoint accepts (RFC 8414 §2).

import type { Context } from '../context';
import type { ClientAuthMethod } from '../types';

/**
 * The methods `authenticateClient` accepts, in the RFC 7591 names. Extension point: JWT client assertions add
 * `private_key_jwt` and `client_secret_jwt` here, and `*_endpoint_auth_signing_alg_values_supported` below.
 */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** The `*_endpoint_auth_methods_supported` members for /token, /revoke and /introspect. */
export function clientAuthMetadata(_ctx: Context): Record<string, unknown> {
  return {
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    // RFC 7009 §2.1: revocation authenticates clients exactly as the token endpoint does (public clients included).
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    // Introspection refuses public clients (lib/endpoints/introspect.ts).
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
  };
}
