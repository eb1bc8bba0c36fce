// __tests__/testing/per-concern.test.ts
// The kit runs one concern at a time: each runner passes on a store that has that concern's methods and nothing
// else (a call to any other method would throw), so a store for one concern can be tested alone.

import { MemoryStore, type CounterStore, type OneShotStore, type RefreshTokenStore, type RevocationStore } from '../../lib';
import { runCounterStoreContract, runOneShotStoreContract, runRefreshTokenStoreContract, runRevocationStoreContract } from '../../lib/testing';
import { STORE_CONCERNS, type StoreConcern } from '../../lib/stores/shared/concerns';

/** A store with exactly the methods of `concern` (and close), backed by a MemoryStore. */
function only<S extends object>(concern: StoreConcern, optional: readonly string[] = []): () => S {
  return () => {
    const backing = new MemoryStore();
    const view: Record<string, unknown> = { close: () => backing.close() };
    for (const name of [...STORE_CONCERNS[concern], ...optional]) {
      view[name] = (backing as unknown as Record<string, (...args: unknown[]) => unknown>)[name].bind(backing);
    }
    return view as S;
  };
}

runRefreshTokenStoreContract({ name: 'refresh tokens only', create: only<RefreshTokenStore>('RefreshTokenStore') });
runRevocationStoreContract({ name: 'revocations only', create: only<RevocationStore>('RevocationStore', ['onRevocation']) });
runCounterStoreContract({ name: 'counters only', create: only<CounterStore>('CounterStore') });
runOneShotStoreContract({ name: 'one-shot values only', create: only<OneShotStore>('OneShotStore') });
