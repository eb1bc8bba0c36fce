// __tests__/helpers/jwt.ts
// Builds JWTs for tests: jsonwebtoken (an independent implementation) where it can, raw node:crypto for what it
// cannot (EdDSA, alg "none", hand-made headers).

import { randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ISSUER } from './server';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_URL = `${ISSUER}/oauth2/token`;

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs with jsonwebtoken; `header` members are merged into the JOSE header. */
export function signJwt(payload: Record<string, unknown>, key: KeyObject | string | Buffer, alg: jwt.Algorithm, header: Record<string, unknown> = {}): string {
  // jsonwebtoken keeps a given iat (and adds one when absent; every claim set here has one).
  return jwt.sign(payload, key as jwt.Secret, { algorithm: alg, header: { alg, ...header } });
}

/** RS256 with node:crypto, for payloads jsonwebtoken refuses to sign (e.g. a string `exp`). */
export function signRs256Raw(payload: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', ...header })}.${b64(payload)}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** EdDSA (Ed25519) with node:crypto, which jsonwebtoken does not support. */
export function signEdDsa(payload: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'EdDSA', ...header })}.${b64(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** An unsecured JWT (RFC 7519 §6): alg "none" and an empty signature. */
export function unsigned(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${b64({ alg: 'none', ...header })}.${b64(payload)}.`;
}

/** Standard client assertion claims for `clientId`, valid for 60 s; `overrides` replace or (undefined) remove claims. */
export function assertionClaims(clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: ISSUER, exp: now + 60, iat: now, jti: randomUUID() };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}
