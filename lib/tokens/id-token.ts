// lib/tokens/id-token.ts
// Mints OpenID Connect id_tokens (OIDC Core §2), releasing user claims by granted scope (§5.4).

import { createHash } from 'node:crypto';
import type { Keyring } from './keyring';
import { signJwt } from './sign';

// OIDC Core §5.4: which standard claims each scope releases.
export const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly string[]>> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** The user claims the granted scopes allow (also what /userinfo returns). */
export function claimsForScope(claims: Readonly<Record<string, unknown>> | undefined, scope: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (claims === undefined) return out;
  for (const s of scope) {
    for (const name of CLAIMS_BY_SCOPE[s] ?? []) {
      if (claims[name] !== undefined) out[name] = claims[name];
    }
  }
  return out;
}

export interface IdTokenInput {
  readonly issuer: string;
  readonly sub: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly authTime: number;
  readonly now: number;
  readonly ttl: number;
  readonly sid: string;
  readonly accessToken: string;
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly nonce?: string;
}

export function mintIdToken(keyring: Keyring, input: IdTokenInput): string {
  const payload: Record<string, unknown> = {
    ...claimsForScope(input.claims, input.scope),
    iss: input.issuer,
    sub: input.sub,
    aud: input.clientId,
    exp: input.now + input.ttl,
    iat: input.now,
    auth_time: input.authTime,
    sid: input.sid,
    at_hash: atHash(input.accessToken),
  };
  if (input.nonce !== undefined) payload.nonce = input.nonce;
  return signJwt(keyring, payload, 'JWT');
}

/** OIDC Core §3.1.3.6: the left half of the hash of the access token, base64url. */
// Every algorithm we sign with is a 256-bit one, so the hash is always SHA-256.
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
