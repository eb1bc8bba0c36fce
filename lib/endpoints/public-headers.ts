// lib/endpoints/public-headers.ts
// Headers of the public documents (JWKS, discovery metadata): cacheable by anyone, readable from any origin.

/** Seconds a JWKS or metadata document may be cached. Stage a new key this long before it signs (README "Rotating keys"). */
export const PUBLIC_DOCUMENT_MAX_AGE = 300;

/** Cache-Control and CORS headers of every public document. */
export const PUBLIC_DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': `public, max-age=${PUBLIC_DOCUMENT_MAX_AGE}`,
  // Public, credential-free documents: browser-based clients and resource servers on other origins fetch them.
  'Access-Control-Allow-Origin': '*',
};
