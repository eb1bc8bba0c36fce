// lib/options/refresh-lifetime.ts
// The absolute lifetime of a refresh-token family (refreshTokenAbsoluteTTL), checked against refreshTokenTTL.

import { ConfigError } from '../errors/config-error';
import { positiveInteger } from './values';

/** Default absolute family lifetime in seconds: 30 days, Auth0's default absolute refresh-token lifetime. */
export const DEFAULT_REFRESH_TOKEN_ABSOLUTE_TTL = 2_592_000;

/**
 * Seconds from login after which no refresh token of the family works, however often it rotated. A given value
 * must be at least `refreshTokenTTL` (as Auth0 requires of its absolute vs inactivity lifetimes): a smaller one
 * would silently shorten every refresh token. The default is 30 days, or `refreshTokenTTL` when that is longer,
 * so an app that set a long refreshTokenTTL before this option existed keeps its first token's lifetime.
 */
export function resolveRefreshTokenAbsoluteTTL(value: unknown, refreshTokenTTL: number): number {
  if (value === undefined) return Math.max(DEFAULT_REFRESH_TOKEN_ABSOLUTE_TTL, refreshTokenTTL);
  const ttl = positiveInteger(value, DEFAULT_REFRESH_TOKEN_ABSOLUTE_TTL, 'options.refreshTokenAbsoluteTTL');
  if (ttl < refreshTokenTTL) {
    throw new ConfigError('ERR_EPG_INVALID_OPTION', `options.refreshTokenAbsoluteTTL (${ttl}) must be at least options.refreshTokenTTL (${refreshTokenTTL})`);
  }
  return ttl;
}
