// example-app/store.ts
// The example's token store (refresh tokens, revocations, counters): the one place to choose it.

import { MemoryStore } from 'express-password-grant';
import type { TokenStore } from 'express-password-grant';

/**
 * A MemoryStore: nothing to install, but refresh tokens and revocations vanish on restart and are not shared
 * between processes. Swap in a shared store here (RedisStore, or a SQL store) and nothing else changes.
 */
export function createTokenStore(): TokenStore {
  return new MemoryStore();
}
