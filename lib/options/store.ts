// lib/options/store.ts
// The store option: anything that implements each TokenStore concern (the default MemoryStore is made in index.ts).

import { ConfigError } from '../errors/config-error';
import { missingMethods, requireSessions, sessionsOf, TOKEN_STORE_CONCERNS } from '../stores/shared/concerns';
import type { SessionStore } from '../stores/shared/session-store';
import type { TokenStore } from '../stores/shared/store';
import { positiveInteger } from './values';

/**
 * Checked by its methods, concern by concern, not by class: the app's own store only has to implement the TokenStore
 * interfaces. A missing method is named with the interface it belongs to. Undefined stays undefined: the caller makes
 * the default MemoryStore once every other option has been checked.
 */
export function checkStore(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined;
  const gaps = TOKEN_STORE_CONCERNS.flatMap((concern) => {
    const missing = missingMethods(value, concern);
    return missing.length === 0 ? [] : [`${missing.join(', ')} of ${concern}`];
  });
  if (gaps.length > 0) {
    throw new ConfigError('ERR_EPG_INVALID_STORE', `options.store must implement TokenStore (missing: ${gaps.join('; ')})`);
  }
  return value as TokenStore;
}

/** Default of `maxSessionsPerUser` (its JSDoc says why). */
export const DEFAULT_MAX_SESSIONS_PER_USER = 100;
const MAX_SESSIONS_PER_USER = 10_000;

/**
 * `options.maxSessionsPerUser`, checked; given explicitly it needs a store with sessions (the default MemoryStore has
 * them), and a store that implements SessionStore only in part is refused whatever the options.
 */
export function resolveMaxSessions(store: TokenStore | undefined, value: unknown): number {
  if (store !== undefined) {
    if (value === undefined) sessionsOf(store, 'options.store');
    else requireSessions(store, 'options.maxSessionsPerUser');
  }
  const max = positiveInteger(value, DEFAULT_MAX_SESSIONS_PER_USER, 'options.maxSessionsPerUser');
  if (max > MAX_SESSIONS_PER_USER) throw new ConfigError('ERR_EPG_INVALID_OPTION', `options.maxSessionsPerUser must be at most ${MAX_SESSIONS_PER_USER}`);
  return max;
}

/** The store's sessions, once the store is final (the default MemoryStore included). */
export function storeSessions(store: TokenStore): (TokenStore & SessionStore) | undefined {
  return sessionsOf(store, 'options.store');
}
