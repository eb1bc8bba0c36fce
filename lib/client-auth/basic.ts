// lib/client-auth/basic.ts
// Parses `Authorization: Basic` for client_secret_basic (RFC 6749 §2.3.1, Appendix B).

export interface BasicCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The credentials, or undefined when the header is malformed. RFC 6749 §2.3.1: "The client identifier is encoded
 * using the application/x-www-form-urlencoded encoding algorithm per Appendix B, and the encoded value is used as
 * the username; the client password is encoded using the same algorithm and used as the password." The split is
 * on the first colon only, since RFC 7617 §2 forbids a colon in the user-id but not in the password.
 */
export function parseBasic(header: string): BasicCredentials | undefined {
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (clientId === '' || clientSecret === '') return undefined;
  return { clientId, clientSecret };
}

// Many clients skip the form-encoding step; a value that is not valid percent-encoding is taken as it is.
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export function isBasic(header: string | undefined): header is string {
  return typeof header === 'string' && /^basic(\s|$)/i.test(header);
}
