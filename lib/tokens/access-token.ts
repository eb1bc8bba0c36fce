// lib/tokens/access-token.ts
// Mints RFC 9068 JWT access tokens.

import { randomUUID } from 'node:crypto';
import type { Keyring } from './keyring';
import { signJwt } from './sign';

/** Claims the app's hook can never set (RFC 9068 §2.2, RFC 7519 §4.1, RFC 9449 §6). */
export const RESERVED_ACCESS_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'client_id',
  'scope',
  'sid',
  'cnf',
  'auth_time',
  'acr',
  'amr',
  'typ',
]);

export interface AccessTokenInput {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly sub: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly sid: string;
  readonly authTime: number;
  readonly now: number;
  readonly ttl: number;
  readonly jkt?: string;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

export interface MintedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: number;
}

/** RFC 9068 §2.1: `typ` is "at+jwt"; §2.2: iss, exp, aud, sub, client_id, iat, jti are required. */
export function mintAccessToken(keyring: Keyring, input: AccessTokenInput): MintedAccessToken {
  const jti = randomUUID();
  const expiresAt = input.now + input.ttl;
  const payload: Record<string, unknown> = { ...withoutReserved(input.extraClaims) };
  Object.assign(payload, {
    iss: input.issuer,
    sub: input.sub,
    aud: input.audience,
    exp: expiresAt,
    iat: input.now,
    jti,
    client_id: input.clientId,
    scope: input.scope.join(' '),
    sid: input.sid,
    auth_time: input.authTime,
  });
  if (input.jkt !== undefined) payload.cnf = { jkt: input.jkt };
  return { token: signJwt(keyring, payload, 'at+jwt'), jti, expiresAt };
}

export function withoutReserved(claims: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (claims === undefined) return out;
  for (const [name, value] of Object.entries(claims)) {
    if (!RESERVED_ACCESS_CLAIMS.has(name)) out[name] = value;
  }
  return out;
}
