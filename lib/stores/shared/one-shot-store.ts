// lib/stores/shared/one-shot-store.ts
// The one-shot concern of a store: replay markers claimed once, and short-lived values taken once.

/**
 * Where replay markers (client assertion and DPoP proof `jti`s) and one-shot values (pending MFA logins) live.
 * Tested alone by `runOneShotStoreContract` (express-password-grant/testing).
 * @example
 * class MyOneShots implements OneShotStore { async claimOnce(key, ttlSeconds) { ... } ... }
 */
export interface OneShotStore {
  /**
   * Atomic: true the first time `key` is claimed within `ttlSeconds` (replay caches: jti of assertions, DPoP proofs).
   * The library passes the time left until the credential stops being accepted, so every claim of one credential asks
   * for the same absolute expiry. A store that must bound its markers may never forget a live one silently: it may
   * forget the one that expires first only if from then on it rejects with `StoreFullError` every claim that would
   * expire no later (MemoryStore does, per kind: the key up to its first `:`).
   */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;

  /** Stores a short-lived value (e.g. an MFA step-up context). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Atomic: returns the value and deletes it (consume-once). */
  take(key: string): Promise<string | undefined>;
}
