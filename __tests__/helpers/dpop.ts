// __tests__/helpers/dpop.ts
// DPoP proofs for tests (RFC 9449 §4.2), signed by jsonwebtoken with a real key pair.

import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type jwt from 'jsonwebtoken';
import { signJwt } from './jwt';

export interface DpopKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly alg: jwt.Algorithm;
  readonly jwk: Record<string, unknown>;
}

/** A fresh P-256 (ES256) or RSA (RS256/PS256) key pair with its public JWK. */
export function dpopKey(alg: 'ES256' | 'RS256' | 'PS256' = 'ES256'): DpopKey {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...pair, alg, jwk: pair.publicKey.export({ format: 'jwk' }) };
}

export const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

export interface ProofOptions {
  readonly htm?: string;
  readonly htu: string;
  readonly accessToken?: string;
  /** Claims to replace; undefined removes one. */
  readonly claims?: Record<string, unknown>;
  /** Header members to replace; undefined removes one. */
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead of the one whose jwk is in the header. */
  readonly signWith?: KeyObject;
}

/** A DPoP proof JWT for one request. */
export function proof(key: DpopKey, options: ProofOptions): string {
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: Math.floor(Date.now() / 1000),
  };
  if (options.accessToken !== undefined) claims.ath = ath(options.accessToken);
  const header: Record<string, unknown> = { typ: 'dpop+jwt', jwk: key.jwk };
  for (const [target, overrides] of [
    [claims, options.claims],
    [header, options.header],
  ] as const) {
    for (const [name, value] of Object.entries(overrides ?? {})) {
      if (value === undefined) delete target[name];
      else target[name] = value;
    }
  }
  return signJwt(claims, options.signWith ?? key.privateKey, key.alg, header);
}

/** The decoded payload of a JWT (no verification). */
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
