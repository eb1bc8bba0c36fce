// lib/stores/shared/concerns.ts
// The methods of each store concern by name, for the duck-typed checks made when a store is handed to the library.

import { ConfigError } from '../../errors/config-error';
import type { SessionStore } from './session-store';

/** The interfaces a store implements, each with its required methods (optional ones, like `onRevocation`, aside). */
export const STORE_CONCERNS = {
  RefreshTokenStore: ['saveRefreshToken', 'findRefreshToken', 'rotateRefreshToken'],
  RevocationStore: ['revokeFamily', 'revokeAccessToken', 'isAccessTokenRevoked'],
  CounterStore: ['hit', 'hitBelow', 'release', 'peek', 'reset'],
  OneShotStore: ['claimOnce', 'put', 'take'],
  SessionStore: ['saveSession', 'findSession', 'listSessions', 'endSession'],
} as const;

export type StoreConcern = keyof typeof STORE_CONCERNS;

/** The concerns a `TokenStore` combines, in the order a missing method is reported. */
export const TOKEN_STORE_CONCERNS: readonly StoreConcern[] = ['RefreshTokenStore', 'RevocationStore', 'CounterStore', 'OneShotStore'];

/** The methods of `concern` that `value` lacks (all of them when it is not an object). */
export function missingMethods(value: unknown, concern: StoreConcern): string[] {
  const methods = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return STORE_CONCERNS[concern].filter((name) => typeof methods[name] !== 'function');
}

/**
 * `store` as a SessionStore when it implements every SessionStore method, undefined when it implements none (a
 * TokenStore without the capability). One with only some of them is a mistake: a ConfigError names what is missing.
 */
export function sessionsOf<S extends object>(store: S, what: string): (S & SessionStore) | undefined {
  const missing = missingMethods(store, 'SessionStore');
  if (missing.length === STORE_CONCERNS.SessionStore.length) return undefined;
  if (missing.length > 0) throw new ConfigError('ERR_EPG_INVALID_STORE', `${what} implements part of SessionStore (missing: ${missing.join(', ')})`);
  return store as S & SessionStore;
}

/** `store` as a SessionStore, or a ConfigError saying that `what` needs one and naming what the store lacks. */
export function requireSessions<S extends object>(store: S, what: string): S & SessionStore {
  const missing = missingMethods(store, 'SessionStore');
  if (missing.length > 0) throw new ConfigError('ERR_EPG_INVALID_STORE', `${what} needs a store that implements SessionStore (missing: ${missing.join(', ')})`);
  return store as S & SessionStore;
}
