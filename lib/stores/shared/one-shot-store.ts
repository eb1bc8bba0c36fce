// lib/stores/shared/one-shot-store.ts
// The one-shot concern of a store: replay markers claimed once, and short-lived values taken once.

/**
 * Where replay markers (client assertion and DPoP proof `jti`s) and one-shot values (pending MFA logins) live.
 * Tested alone by `runOneShotStoreContract` (express-password-grant/testing).
 * @example
 * class MyOneShots implements OneShotStore { async claimOnce(key, ttlSeconds) { ... } ... }
 */
export interface OneShotStore {
  /** Atomic: true the first time `key` is claimed within `ttlSeconds` (replay caches: jti of assertions, DPoP proofs). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;

  /** Stores a short-lived value (e.g. an MFA step-up context). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Atomic: returns the value and deletes it (consume-once). */
  take(key: string): Promise<string | undefined>;
}
