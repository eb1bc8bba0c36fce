// lib/discovery/well-known.ts
// Where the metadata documents live for a given issuer: RFC 8414 §3 and OpenID Connect Discovery §4.

/** Absolute paths (on the issuer's host) of the two metadata documents. */
export interface WellKnownPaths {
  /** RFC 8414 §3: "/.well-known/oauth-authorization-server" inserted between the host and the issuer's path. */
  readonly oauthAuthorizationServer: string;
  /** OIDC Discovery §4: the issuer's path followed by "/.well-known/openid-configuration". */
  readonly openidConfiguration: string;
}

/** The two metadata locations for `issuer` (its terminating slash dropped, as both specs require). */
export function wellKnownPaths(issuer: string): WellKnownPaths {
  // Both specs: "any terminating / MUST be removed" from the issuer's path before building the location.
  const path = new URL(issuer).pathname.replace(/\/$/, '');
  return {
    oauthAuthorizationServer: `/.well-known/oauth-authorization-server${path}`,
    openidConfiguration: `${path}/.well-known/openid-configuration`,
  };
}
