// lib/jose/jwk.ts
// The public JWK Set of the signing keys (RFC 7517 §5): verification keys only, never secrets or private parts.

import { createPublicKey, type KeyObject } from 'node:crypto';

/** What a key needs to be published; the keyring's keys have these members (tokens/keyring.ts). */
export interface PublishableKey {
  readonly kid: string;
  readonly alg: string;
  readonly verifyKey: KeyObject;
  readonly symmetric: boolean;
}

/** A public signing key as published at /jwks. */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC';
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
  readonly [member: string]: string;
}

/**
 * Every asymmetric key, in order (the signing key first), each with `kid`, `alg` and `use: "sig"` so clients can
 * pick the key by `kid` and pin its algorithm. HS256 keys are shared secrets: never published.
 */
export function publicJwks(keys: Iterable<PublishableKey>): { readonly keys: readonly PublicJwk[] } {
  return { keys: [...keys].filter((k) => !k.symmetric).map(toPublicJwk) };
}

function toPublicJwk(key: PublishableKey): PublicJwk {
  return publicJwkOf(key.verifyKey, key.kid, key.alg);
}

/** The JWK /jwks publishes for an RSA or EC public key (a private KeyObject gives its public half). */
export function publicJwkOf(key: KeyObject, kid: string, alg: string): PublicJwk {
  // Export from the public KeyObject and keep only the public members, whatever Node adds.
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = exportable(publicKey).export({ format: 'jwk' }) as Record<string, string>;
  const members: Record<string, string> = jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'RSA', n: jwk.n, e: jwk.e };
  return { ...members, kid, alg, use: 'sig' } as PublicJwk;
}

/**
 * Node cannot export an RSASSA-PSS ("rsa-pss") key as a JWK; its public numbers are those of a plain RSA key, which a
 * JWK carries together with `alg: PS256` (RFC 7518 §6.3). The RSAPublicKey is the BIT STRING of the SPKI.
 */
function exportable(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa-pss') return key;
  const spki = key.export({ format: 'der', type: 'spki' });
  return createPublicKey({ key: spkiSubjectPublicKey(spki), format: 'der', type: 'pkcs1' });
}

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } (RFC 5280). */
function spkiSubjectPublicKey(der: Buffer): Buffer {
  const outer = readTlv(der, 0);
  const algorithm = readTlv(der, outer.contentStart);
  const bitString = readTlv(der, algorithm.end);
  if (outer.tag !== 0x30 || algorithm.tag !== 0x30 || bitString.tag !== 0x03) throw new TypeError('unexpected SPKI structure');
  // The first content byte of a BIT STRING counts unused bits (0 for a DER key).
  return der.subarray(bitString.contentStart + 1, bitString.end);
}

function readTlv(der: Buffer, offset: number): { tag: number; contentStart: number; end: number } {
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[offset + 2 + i];
    contentStart += bytes;
  }
  return { tag, contentStart, end: contentStart + length };
}
