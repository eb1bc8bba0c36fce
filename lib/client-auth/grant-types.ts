// lib/client-auth/grant-types.ts
// Which strings in a client's grants are grant types at all: a word RFC 6749 / RFC 7591 defines, or an absolute URI.

/**
 * RFC 7591 §2 `grant_types`: the values RFC 6749 defines as bare words (`implicit` names the §4.2 flow, which has no
 * grant_type parameter of its own). Every grant type defined since is an absolute URI (RFC 6749 §4.5), such as
 * urn:ietf:params:oauth:grant-type:device_code (RFC 8628) or urn:openid:params:grant-type:ciba.
 */
const RFC_GRANT_WORDS: ReadonlySet<string> = new Set(['authorization_code', 'implicit', 'password', 'client_credentials', 'refresh_token']);

// RFC 3986 §3: scheme ":" hier-part, the scheme starting with a letter; nothing blank or of control in the rest.
// eslint-disable-next-line no-control-regex -- matching control characters, to refuse them, is this pattern's job
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+$/;

/**
 * True for a grant type some authorization server may serve, this one or another sharing the client registry; false
 * for a bare word that is neither (`pasword`), which can only be a mistake in the record.
 */
export function isGrantTypeName(value: string): boolean {
  return RFC_GRANT_WORDS.has(value) || ABSOLUTE_URI.test(value);
}
