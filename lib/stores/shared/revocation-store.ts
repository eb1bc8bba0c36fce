// lib/stores/shared/revocation-store.ts
// The revocation concern of a store: marks for grants (families) and access tokens, and their optional broadcast.

/** A revocation as broadcast by `onRevocation`. */
export interface Revocation {
  readonly kind: 'jti' | 'family';
  readonly id: string;
}

/**
 * Where revocation marks live. The bearer verifier depends on this concern only (`isAccessTokenRevoked`, and
 * `onRevocation` for its cache). Tested alone by `runRevocationStoreContract` (express-password-grant/testing).
 * @example
 * class MyRevocations implements RevocationStore { async revokeFamily(familyId, ttlSeconds) { ... } ... }
 */
export interface RevocationStore {
  /**
   * Revokes a grant: its refresh tokens stop working, and so do access tokens whose `sid` is `familyId`.
   * The mark is kept `ttlSeconds` (at least as long as anything of the family could live). A mark already there
   * keeps its expiry when that is later: a second, shorter revocation never shortens it.
   */
  revokeFamily(familyId: string, ttlSeconds: number): Promise<void>;

  /**
   * Records an access token's `jti` as revoked until `expiresAt` (epoch seconds), exactly as given: the library
   * passes the token's `exp` plus the verifier's clock tolerance, so the mark never ends while the token is accepted.
   * Like `revokeFamily`, a second call never shortens a mark that already lasts longer.
   */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;

  /** True when the jti is revoked or `familyId`'s grant is. One round trip. */
  isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean>;

  /**
   * Optional: calls `listener` whenever any process revokes an access token or a family through this store, so a
   * verifier can cache verified tokens and still drop revoked ones (RedisStore: pub/sub). `listener(undefined)`
   * means "revocations may have been missed" (e.g. the subscription dropped): forget every cached verification.
   * Returns a function that unsubscribes.
   */
  onRevocation?(listener: (revocation: Revocation | undefined) => void): () => void;
}
