// lib/discovery/client-auth-metadata.ts
// The client authentication members of the metadata: which methods each endpoint accepts (RFC 8414 §2).

import type { Context } from '../context';
import { CLIENT_AUTH_METHODS, clientAuthMetadata as tokenEndpointMetadata } from '../client-auth/metadata';

/** `*_endpoint_auth_methods_supported` and signing algorithms for /token, /revoke and /introspect, plus DPoP's. */
export function clientAuthMetadata(ctx: Context): Record<string, unknown> {
  const token = tokenEndpointMetadata(ctx.config);
  const algs = token.token_endpoint_auth_signing_alg_values_supported;
  return {
    ...token,
    // RFC 7009 §2.1: revocation authenticates clients exactly as the token endpoint does (public clients included).
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: algs,
    // Introspection refuses public clients (lib/endpoints/introspect.ts).
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: algs,
  };
}
