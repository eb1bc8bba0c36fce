// lib/http/public-headers.ts
// Headers of the public documents (JWKS, discovery metadata): cacheable by anyone, readable from any origin; and the
// CORS headers of /userinfo, a protected resource browser-based clients call with a bearer token.

/** Seconds a JWKS or metadata document may be cached. Stage a new key this long before it signs (docs/endpoints.md "Rotating keys"). */
export const PUBLIC_DOCUMENT_MAX_AGE = 300;

/** Cache-Control and CORS headers of every public document. */
export const PUBLIC_DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': `public, max-age=${PUBLIC_DOCUMENT_MAX_AGE}`,
  // Public, credential-free documents: browser-based clients and resource servers on other origins fetch them.
  'Access-Control-Allow-Origin': '*',
};

/**
 * OIDC Core §5.3: "The UserInfo Endpoint SHOULD support the use of Cross Origin Resource Sharing (CORS)". Any origin
 * may call it: the token travels in the Authorization header a page sets itself, never in a cookie, so a page that
 * holds no token learns nothing (no Access-Control-Allow-Credentials). Challenges and nonces stay readable.
 */
export const USERINFO_CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'WWW-Authenticate, DPoP-Nonce',
};

/** The answer to a CORS preflight of /userinfo: its methods and the request headers a token call needs. */
export const USERINFO_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST',
  // The wildcard `*` does not cover Authorization (Fetch standard), so every header is named.
  'Access-Control-Allow-Headers': 'Authorization, DPoP, Content-Type',
  'Access-Control-Max-Age': '600',
};
