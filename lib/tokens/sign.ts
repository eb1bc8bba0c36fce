// lib/tokens/sign.ts
// Signs a JWT (RFC 7515 compact serialization) with the keyring's current key; every header carries `kid` (clients
// pick keys by it).

import { constants, createHmac, sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../jose/algorithms';
import type { Key, Keyring } from './keyring';

/** Encoded protected headers, one per key and `typ`: a signature then costs one JSON.stringify (the payload's). */
const headers = new WeakMap<Key, Map<string, string>>();

/**
 * node:crypto directly rather than jsonwebtoken's sign: the same bytes (header {alg, typ, kid}, the payload as given,
 * which always carries its own `iat`), without its option checks and payload copies on every token, which were ~4%
 * of a refresh grant. Verification stays with jsonwebtoken (verify-access-token.ts).
 */
export function signJwt(keyring: Keyring, payload: Record<string, unknown>, typ: string): string {
  const { signer } = keyring;
  const signingInput = `${encodedHeader(signer, typ)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${signature(signer.alg, signer.signingKey!, signingInput).toString('base64url')}`;
}

function encodedHeader(key: Key, typ: string): string {
  let byTyp = headers.get(key);
  if (byTyp === undefined) headers.set(key, (byTyp = new Map<string, string>()));
  let encoded = byTyp.get(typ);
  if (encoded === undefined) {
    encoded = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString('base64url');
    byTyp.set(typ, encoded);
  }
  return encoded;
}

/** RFC 7518 §3.2-3.5 for the four algorithms `signingKeys` accepts (all SHA-256). */
function signature(alg: SigningAlgorithm, key: KeyObject, signingInput: string): Buffer {
  const data = Buffer.from(signingInput, 'ascii');
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      // §3.5: MGF1 with SHA-256, salt as long as the hash.
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES256':
      // §3.4: the signature is R || S (IEEE P1363), not DER.
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'HS256':
      return createHmac('sha256', key).update(data).digest();
  }
}
