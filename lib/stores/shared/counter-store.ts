// lib/stores/shared/counter-store.ts
// The counter concern of a store: expiring counters, capped or not, that throttling counts attempts with.

/** A counter's state, for throttling. */
export interface Counter {
  readonly count: number;
  /** When the counter disappears, seconds since the epoch. */
  readonly resetAt: number;
}

/** What `hitBelow` did: the counter after the call, and whether this call added one. */
export interface CappedHit extends Counter {
  /** True when the counter was below `max` and this call added one; false when it was full (nothing changed). */
  readonly added: boolean;
}

/**
 * Where throttling counters live; the throttle depends on this concern (and reads refresh records to place a refused
 * refresh). Tested alone by `runCounterStoreContract` (express-password-grant/testing).
 * @example
 * class MyCounters implements CounterStore { async hit(key, windowSeconds) { ... } ... }
 */
export interface CounterStore {
  /** Atomic: add one to `key`'s counter, creating it; its expiry becomes max(current, now + windowSeconds). */
  hit(key: string, windowSeconds: number): Promise<Counter>;

  /**
   * Atomic: if `key`'s counter (0 when missing or expired) is below `max`, add one (creating it) and make its expiry
   * max(current, now + windowSeconds); otherwise change nothing (a refused call neither counts nor extends the
   * expiry). Of N concurrent calls on a counter at c, exactly max(0, min(N, max - c)) get `added: true`. Returns the
   * count and expiry after the call. Throttling reserves an attempt with it before checking a credential.
   */
  hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit>;

  /**
   * Atomic: subtract one from `key`'s counter if it exists; a counter that reaches 0 is deleted; the expiry of a
   * counter left above 0 is unchanged. Never creates a counter and never goes below 0. Throttling gives back the
   * reservation of an attempt that succeeded (or was never checked) with it.
   */
  release(key: string): Promise<void>;

  /** The counter, or undefined when it has expired or never existed. */
  peek(key: string): Promise<Counter | undefined>;

  /** Deletes a counter. */
  reset(key: string): Promise<void>;
}
