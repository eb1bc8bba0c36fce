// lib/endpoints/find-token.ts
// Identifies a token presented to /revoke or /introspect: one of our access tokens, one of our refresh tokens, or nothing.

import type { Context } from '../context';
import { verifySignatureAndClaims } from '../bearer/verify-access-token';
import { isOAuthError } from '../errors/oauth-error';
import { storeCall } from '../stores/shared/store-call';
import type { RefreshTokenRecord, RefreshTokenStore } from '../stores/shared/refresh-token-store';
import { epochSeconds } from '../util/clock';
import { sha256 } from '../util/crypto';

/** The token types we issue, named as in the OAuth Token Type Hints registry (RFC 7009 §4.1.2). */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** What a presented token turned out to be. */
export type FoundToken =
  | {
      readonly type: 'access_token';
      /** The verified JWT payload (signature, typ, iss, exp checked; `aud` not, since it may be any resource). */
      readonly claims: Readonly<Record<string, unknown>>;
      readonly clientId: string;
      readonly jti: string;
      readonly sid: string | undefined;
      readonly exp: number;
    }
  | { readonly type: 'refresh_token'; readonly record: RefreshTokenRecord; readonly clientId: string };

const HINTS: readonly TokenTypeHint[] = ['access_token', 'refresh_token'];

/**
 * Reads `token_type_hint`; a value we do not know is ignored, like none. RFC 7009 §2.1: the server "MAY ignore
 * this parameter", and searches all its token types anyway; RFC 7662 §2.1 says the same for introspection.
 */
export function parseHint(value: string | undefined): TokenTypeHint | undefined {
  return value !== undefined && (HINTS as readonly string[]).includes(value) ? (value as TokenTypeHint) : undefined;
}

/**
 * Finds the token, trying the hinted type first. RFC 7009 §2.1 / RFC 7662 §2.1: "If the server is unable to locate
 * the token using the given hint, it MUST extend its search across all of its supported token types."
 * Expired, malformed or unknown tokens give undefined. A refresh token is returned even when spent (rotated).
 */
export async function findToken(ctx: Context, token: string, hint: TokenTypeHint | undefined): Promise<FoundToken | undefined> {
  const order: readonly TokenTypeHint[] = hint === 'refresh_token' ? ['refresh_token', 'access_token'] : HINTS;
  for (const type of order) {
    const found = type === 'access_token' ? findAccessToken(ctx, token) : await findRefreshToken(ctx, token);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findAccessToken(ctx: Context, token: string): FoundToken | undefined {
  // Our access tokens are JWS compact serializations: three dot-separated parts.
  if (token.split('.').length !== 3) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = verifySignatureAndClaims(ctx, token, {}, true);
  } catch (err) {
    if (isOAuthError(err) && err.error === 'invalid_token') return undefined;
    throw err;
  }
  return {
    type: 'access_token',
    claims,
    clientId: claims.client_id as string,
    jti: claims.jti as string,
    sid: typeof claims.sid === 'string' ? claims.sid : undefined,
    exp: claims.exp as number,
  };
}

async function findRefreshToken(ctx: Context, token: string): Promise<FoundToken | undefined> {
  // Refresh tokens are base64url (no dots); anything else cannot be one, so spare the store a read.
  if (token.includes('.') || token.length > 512) return undefined;
  const records: RefreshTokenStore = ctx.config.store;
  const record = await storeCall('findRefreshToken', () => records.findRefreshToken(sha256(token)));
  if (record === undefined || record.expiresAt <= epochSeconds(ctx.config.now)) return undefined;
  return { type: 'refresh_token', record, clientId: record.clientId };
}
