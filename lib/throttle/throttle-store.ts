// lib/throttle/throttle-store.ts
// What the throttle uses of the store: its counters, and a read of refresh records (to place a refused refresh).

import type { Context } from '../context';
import type { CounterStore } from '../stores/shared/counter-store';
import type { RefreshTokenStore } from '../stores/shared/refresh-token-store';

/** The counters buckets are kept in. */
export function counterStore(ctx: Context): CounterStore {
  return ctx.config.store;
}

/** The refresh records a refused refresh is placed by (its family). */
export function refreshRecords(ctx: Context): Pick<RefreshTokenStore, 'findRefreshToken'> {
  return ctx.config.store;
}
