// lib/stores/shared/store.ts
// TokenStore: the four concerns every store option implements together (refresh tokens, revocations, counters,
// one-shot values), and the names of their methods for the checks made at construction.

import type { CounterStore } from './counter-store';
import type { OneShotStore } from './one-shot-store';
import type { RefreshTokenStore } from './refresh-token-store';
import type { RevocationStore } from './revocation-store';

export type { CappedHit, Counter, CounterStore } from './counter-store';
export type { CappedHitRequest, CounterBatch, CounterBatchStore, CounterChange } from './counter-batch-store';
export type { OneShotStore } from './one-shot-store';
export type { RefreshTokenRecord, RefreshTokenStore, RotateResult, SessionDetails } from './refresh-token-store';
export type { Revocation, RevocationStore } from './revocation-store';

/**
 * Where refresh tokens, revocations, counters and replay markers live: `RefreshTokenStore & RevocationStore &
 * CounterStore & OneShotStore`. `MemoryStore` for one process, `SqliteStore` for one process that restarts,
 * `PostgresStore` or `RedisStore` for several. Every method may be called concurrently from many requests (and, for a
 * shared store, from many processes); the ones marked atomic must act as one indivisible step. A method that fails
 * rejects; the library answers `temporarily_unavailable` and emits `error`. Implementations copy values in and out
 * and expire every entry by itself (no unbounded growth). Run `express-password-grant/testing` against a new
 * implementation, whole (`runTokenStoreContract`) or one concern at a time. Capabilities beyond these four (e.g.
 * `SessionStore`) are separate interfaces a store may also implement.
 * @example
 * passwordGrant({ ..., store: new RedisStore({ client: redis }) });
 */
export interface TokenStore extends RefreshTokenStore, RevocationStore, CounterStore, OneShotStore {
  /** Releases timers and connections it owns. */
  close?(): Promise<void>;
}
