// lib/grants/refresh-lifetime.ts
// When a refresh token expires: its idle lifetime (refreshTokenTTL), capped by its family's absolute lifetime.

import type { Context } from '../context';
import type { Client } from '../types';

/** The idle lifetime of a refresh token of `client`, in seconds: the client's `refreshTokenTTL` overrides the option. */
export function idleTTL(ctx: Context, client: Client): number {
  return client.refreshTokenTTL ?? ctx.config.refreshTokenTTL;
}

/** The absolute lifetime of a family of `client` from its login, in seconds: the client's `refreshTokenAbsoluteTTL` overrides the option. */
export function absoluteTTL(ctx: Context, client: Client): number {
  return client.refreshTokenAbsoluteTTL ?? ctx.config.refreshTokenAbsoluteTTL;
}

/**
 * The epoch second at which the family that started (logged in) at `authTime` ends: no refresh token of it works
 * from then on, however often it rotated.
 */
export function familyEnd(ctx: Context, client: Client, authTime: number): number {
  return authTime + absoluteTTL(ctx, client);
}

/**
 * `expiresAt` of a refresh token issued at `now` in the family started at `authTime`: a fresh idle lifetime, never
 * past the family's end (each rotation would otherwise extend the grant forever; RFC 9700 §4.14.2 lets the server
 * bound it, as Auth0 and Okta do). ConditionalRotationStore computes the same inside its step, from the same terms.
 */
export function refreshExpiresAt(ctx: Context, client: Client, authTime: number, now: number): number {
  return Math.min(now + idleTTL(ctx, client), familyEnd(ctx, client, authTime));
}
