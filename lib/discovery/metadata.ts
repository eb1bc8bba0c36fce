// lib/discovery/metadata.ts
// The authorization server metadata (RFC 8414 §2), also valid as an OpenID Provider configuration (OIDC Discovery §3).

import type { Context } from '../context';
import { ENDPOINT_PATHS } from '../endpoints';
import { MFA_GRANT_TYPE } from '../grants/mfa';
import { GRANTS } from '../grants';
import { CLAIMS_BY_SCOPE } from '../tokens/id-token';
import { clientAuthMetadata } from './client-auth-metadata';

// OIDC Core §5.1 standard claims this server can release (id_token, /userinfo: those each scope releases, §5.4), after
// the token claims.
const CLAIMS_SUPPORTED = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'sid', 'at_hash', 'nonce', ...Object.values(CLAIMS_BY_SCOPE).flat()];

/**
 * The metadata document. `issuer` is the configured issuer byte for byte (RFC 8414 §3.3: clients compare it
 * exactly); every endpoint is `baseUrl` (http/endpoint-url.ts endpointsBaseUrl) + its path; nothing comes from the
 * request, so a forged Host header cannot change a URL.
 */
export function buildMetadata(ctx: Context, baseUrl: string): Readonly<Record<string, unknown>> {
  const { config } = ctx;
  const url = (path: string): string => baseUrl + path;
  const metadata: Record<string, unknown> = {
    issuer: config.issuer,
    token_endpoint: url(ENDPOINT_PATHS.token),
    jwks_uri: url(ENDPOINT_PATHS.jwks),
    revocation_endpoint: url(ENDPOINT_PATHS.revocation),
    introspection_endpoint: url(ENDPOINT_PATHS.introspection),
    // The MFA step-up grant exists only when the app can check a second factor.
    grant_types_supported: Object.keys(GRANTS).filter((g) => g !== MFA_GRANT_TYPE || config.verifyMfa !== undefined),
    scopes_supported: [...config.scopesSupported],
    // RFC 8414 §2 and OIDC Discovery §3 require it; there is no authorization endpoint, hence no response type.
    response_types_supported: [],
    ...clientAuthMetadata(ctx),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...config.keyring.algorithms],
    claims_supported: CLAIMS_SUPPORTED,
  };
  // OIDC Discovery §3: RECOMMENDED; present only when the endpoint is served (the findUser option).
  if (config.findUser !== undefined) metadata.userinfo_endpoint = url(ENDPOINT_PATHS.userinfo);
  return metadata;
}
