// lib/options/store.ts
// The store option: anything that implements every TokenStore method (the default MemoryStore is made in index.ts).

import { ConfigError } from '../errors/config-error';
import type { TokenStore } from '../stores/shared/store';

/** The methods a store must have (`onRevocation` and `close` are optional). */
const STORE_METHODS: readonly (keyof TokenStore)[] = [
  'saveRefreshToken',
  'findRefreshToken',
  'rotateRefreshToken',
  'revokeFamily',
  'revokeAccessToken',
  'isAccessTokenRevoked',
  'hit',
  'hitBelow',
  'release',
  'peek',
  'reset',
  'claimOnce',
  'put',
  'take',
];

/**
 * Checked by its methods, not by class: the app's own store only has to implement the TokenStore interface.
 * Undefined stays undefined: the caller makes the default MemoryStore once every other option has been checked.
 */
export function checkStore(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined;
  const methods = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const missing = STORE_METHODS.filter((m) => typeof methods[m] !== 'function');
  if (missing.length > 0) {
    throw new ConfigError('ERR_EPG_INVALID_STORE', `options.store must implement TokenStore (missing: ${missing.join(', ')})`);
  }
  return value as TokenStore;
}
