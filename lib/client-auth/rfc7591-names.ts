// lib/client-auth/rfc7591-names.ts
// The RFC 7591 §2 client metadata names a registry may hold, as the Client field each means, or why it is refused.

import type { Client } from '../types';

/** An RFC 7591 name read as a Client field: `check` refuses a value of the wrong form, `read` converts a good one. */
export interface MetadataName {
  readonly name: string;
  readonly check?: (value: unknown) => string | undefined;
  readonly read?: (value: unknown) => unknown;
}

/**
 * RFC 7591 §2 (and RFC 9449 §5.2) names for Client fields. The same meaning under both names is fine; two different
 * values are refused, as is a value of the wrong type, so that neither can silently leave a client with no grants.
 */
export const METADATA_NAMES: { readonly [K in keyof Client]?: MetadataName } = {
  id: { name: 'client_id' },
  grants: { name: 'grant_types' },
  // RFC 7591 §2: "scope": "String containing a space-separated list of scope values (as described in RFC 6749 §3.3)".
  scopes: {
    name: 'scope',
    check: (v) => (typeof v === 'string' ? undefined : 'scope is not a string of space-separated scope tokens (RFC 7591 §2)'),
    read: (v) => (v as string).split(' ').filter((token) => token !== ''),
  },
  tokenEndpointAuthMethod: { name: 'token_endpoint_auth_method' },
  tokenEndpointAuthSigningAlg: { name: 'token_endpoint_auth_signing_alg' },
  dpopBoundAccessTokens: { name: 'dpop_bound_access_tokens' },
  clientSecretExpiresAt: { name: 'client_secret_expires_at' },
};

/** RFC 7591 / RFC 8705 names the library cannot honour, and when ignoring one would weaken the client: refused. */
export const UNSUPPORTED_NAMES: ReadonlyArray<{
  readonly name: string;
  readonly refuses: (value: unknown, client: Partial<Client>) => boolean;
  readonly problem: string;
}> = [
  {
    // Without its keys a private_key_jwt client would have no credential at all, and so be public.
    name: 'jwks_uri',
    refuses: (_v, client) => client.jwks === undefined && client.publicKey === undefined,
    problem: 'with jwks_uri and no jwks: this server does not fetch keys; copy the JWK Set into jwks (or publicKey)',
  },
  {
    // RFC 8705 §3.4: the client asked for certificate-bound tokens; ours would be bearer tokens.
    name: 'tls_client_certificate_bound_access_tokens',
    refuses: (v) => v === true,
    problem:
      'with tls_client_certificate_bound_access_tokens: certificate-bound tokens (RFC 8705) are not issued here; ' +
      'use dpopBoundAccessTokens (RFC 9449) instead',
  },
];
