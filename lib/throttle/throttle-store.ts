// lib/throttle/throttle-store.ts
// What the throttle uses of the store: its counters (in batches where it can), and a read of refresh records (to
// place a refused refresh).

import type { Context } from '../context';
import { batchOf, changeEach, hitBelowEach, type CounterBatchStore } from '../stores/shared/counter-batch-store';
import type { CounterStore } from '../stores/shared/counter-store';
import type { RefreshTokenStore } from '../stores/shared/refresh-token-store';

/** The counters buckets are kept in. */
export function counterStore(ctx: Context): CounterStore {
  return ctx.config.store;
}

/**
 * The counters' batch steps: the store's own when it implements CounterBatchStore (one round trip each for a shared
 * store), else made of its single-key calls, all at once (a store without the capability keeps working).
 */
export function counterBatch(ctx: Context): CounterBatchStore {
  const store = ctx.config.store;
  return batchOf(store) ?? { hitBelowMany: (hits, peeks) => hitBelowEach(store, hits, peeks), changeMany: (changes) => changeEach(store, changes) };
}

/** The refresh records a refused refresh is placed by (its family). */
export function refreshRecords(ctx: Context): Pick<RefreshTokenStore, 'findRefreshToken'> {
  return ctx.config.store;
}
