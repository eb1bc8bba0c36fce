// lib/grants/refresh-lifetime.ts
// When a refresh token expires: its idle lifetime (refreshTokenTTL), capped by its family's absolute lifetime.

import type { Context } from '../context';
import type { Client } from '../types';

/**
 * The epoch second at which the family that started (logged in) at `authTime` ends: no refresh token of it works
 * from then on, however often it rotated. The client's `refreshTokenAbsoluteTTL` overrides the option.
 */
export function familyEnd(ctx: Context, client: Client, authTime: number): number {
  return authTime + (client.refreshTokenAbsoluteTTL ?? ctx.config.refreshTokenAbsoluteTTL);
}

/**
 * `expiresAt` of a refresh token issued at `now` in the family started at `authTime`: a fresh idle lifetime, never
 * past the family's end (each rotation would otherwise extend the grant forever; RFC 9700 §4.14.2 lets the server
 * bound it, as Auth0 and Okta do).
 */
export function refreshExpiresAt(ctx: Context, client: Client, authTime: number, now: number): number {
  return Math.min(now + (client.refreshTokenTTL ?? ctx.config.refreshTokenTTL), familyEnd(ctx, client, authTime));
}
