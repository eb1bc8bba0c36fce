// lib/stores/shared/claim-marker.ts
// store.claimOnce as request code needs it: first, seen, or "the store cannot tell" (StoreFullError), never a guess.

import { storeCall } from './store-call';
import type { OneShotStore } from './one-shot-store';
import { isStoreFullError } from './store-full-error';

/** What claiming a replay marker found; `full`: a bounded store cannot tell, so the credential must be refused. */
export type MarkerClaim = 'first' | 'seen' | 'full';

/**
 * Claims `key` for `ttlSeconds`. Pass the time left until the credential stops being accepted (rounded up), so every
 * presentation of one credential asks for the same absolute expiry: a bounded store relies on that to refuse replays
 * of markers it had to forget (marker-set.ts). Any other failure is 503 `temporarily_unavailable` (storeCall).
 */
export function claimMarker(store: OneShotStore, key: string, ttlSeconds: number): Promise<MarkerClaim> {
  return storeCall('claimOnce', () =>
    store.claimOnce(key, ttlSeconds).then(
      (first): MarkerClaim => (first ? 'first' : 'seen'),
      (err: unknown): MarkerClaim => {
        if (isStoreFullError(err)) return 'full';
        throw err;
      },
    ),
  );
}
