// lib/stores/shared/store.ts
// The TokenStore interface: the shared state behind refresh rotation, revocation, throttling and replay caches.

/**
 * One issued refresh token. Stored under `id`, the SHA-256 of the token (base64url); the token itself is never stored.
 * All times are seconds since the epoch.
 */
export interface RefreshTokenRecord {
  readonly id: string;
  /** The grant (login) this token descends from; also the `sid` of the access tokens it yields. */
  readonly familyId: string;
  readonly clientId: string;
  readonly sub: string;
  readonly scope: readonly string[];
  readonly authTime: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Set once the token has been rotated: when, and the id of its successor. */
  readonly spentAt?: number;
  readonly successorId?: string;
  /** RFC 9449: the JWK thumbprint the token is bound to. */
  readonly jkt?: string;
  readonly username?: string;
  /** Claims the app's `enrichToken` hook added, replayed into refreshed access tokens. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

/** What an atomic rotation did. */
export type RotateResult =
  /** `previous` was active; it is now spent and `next` is stored. */
  | { readonly outcome: 'rotated'; readonly previous: RefreshTokenRecord }
  /** `previous` was already spent: reuse (RFC 9700 §4.14.2). Nothing was stored. */
  | { readonly outcome: 'reused'; readonly previous: RefreshTokenRecord }
  /** Unknown, expired, or its family revoked. Nothing was stored. */
  | { readonly outcome: 'invalid' };

/** A revocation as broadcast by `onRevocation`. */
export interface Revocation {
  readonly kind: 'jti' | 'family';
  readonly id: string;
}

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
 * Where refresh tokens, revocations, counters and replay markers live. `MemoryStore` for one process,
 * `RedisStore` for several. Every method may be called concurrently from many requests (and, for a shared store,
 * from many processes); the ones marked atomic must act as one indivisible step. A method that fails rejects; the
 * library answers `temporarily_unavailable` and emits `error`. Implementations copy values in and out and expire
 * every entry by itself (no unbounded growth). Run `express-password-grant/testing` against a new implementation.
 */
export interface TokenStore {
  /** Stores a new refresh token until `record.expiresAt`. */
  saveRefreshToken(record: RefreshTokenRecord): Promise<void>;

  /** The record, spent or not; undefined when unknown, expired, or its family is revoked. */
  findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined>;

  /**
   * Atomic: if `previousId` is active and its family not revoked, mark it spent at `now` with `next.id` as
   * successor and store `next`; of two concurrent calls for one id exactly one gets `rotated`.
   */
  rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number): Promise<RotateResult>;

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

  /** Atomic: true the first time `key` is claimed within `ttlSeconds` (replay caches: jti of assertions, DPoP proofs). */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;

  /** Stores a short-lived value (e.g. an MFA step-up context). */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;

  /** Atomic: returns the value and deletes it (consume-once). */
  take(key: string): Promise<string | undefined>;

  /**
   * Optional: calls `listener` whenever any process revokes an access token or a family through this store, so a
   * verifier can cache verified tokens and still drop revoked ones (RedisStore: pub/sub). `listener(undefined)`
   * means "revocations may have been missed" (e.g. the subscription dropped): forget every cached verification.
   * Returns a function that unsubscribes.
   */
  onRevocation?(listener: (revocation: Revocation | undefined) => void): () => void;

  /** Releases timers and connections it owns. */
  close?(): Promise<void>;
}
