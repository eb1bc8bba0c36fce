// lib/options/store.ts
// The store option: anything that implements each TokenStore concern (the default MemoryStore is made in index.ts).

import { ConfigError } from '../errors/config-error';
import { missingMethods, TOKEN_STORE_CONCERNS } from '../stores/shared/concerns';
import type { TokenStore } from '../stores/shared/store';

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
