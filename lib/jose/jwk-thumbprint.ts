// lib/jose/jwk-thumbprint.ts
// RFC 7638 JWK thumbprints (SHA-256, base64url): the `jkt` that binds a token to a DPoP key (RFC 9449 §6.1).

import { createHash, type KeyObject } from 'node:crypto';

// RFC 7638 §3.2: only the required members, in lexicographic order.
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 thumbprint of a public key. The key is exported by node:crypto first, so equal keys always give
 * equal thumbprints, whatever members or spellings the client's JWK carried.
 * @example const jkt = jwkThumbprint(createPublicKey({ key: jwk, format: 'jwk' }))
 */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  const members = REQUIRED[String(jwk.kty)];
  if (members === undefined) throw new TypeError(`jwkThumbprint: unsupported key type ${String(jwk.kty)}`);
  // RFC 7638 §3.3: no whitespace or line breaks; members ordered lexicographically by Unicode code points.
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
