// lib/stores/shared/refresh-token-store.ts
// The refresh-token concern of a store: records saved, found and rotated atomically (RFC 9700 §4.14.2).

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
  /**
   * Set by a durable store on a record it read in a format older than session records (v0, 0.1.0), and carried by its
   * rotations: this login has no session record, so the refresh grant checks the user's `revokeSessions` mark for it.
   */
  readonly predatesSessions?: true;
}

/**
 * What a refresh tells the session of its family about this use (the library gives it on every refresh: the IP and
 * User-Agent with `options.sessionDetails`, nothing without). A store that keeps sessions sets the session's `ip` and
 * `userAgent` to these in the rotation's own step, removing one absent here; a store without sessions ignores it.
 */
export interface SessionDetails {
  readonly ip?: string;
  readonly userAgent?: string;
}

/** What an atomic rotation did. */
export type RotateResult =
  /** `previous` was active; it is now spent and `next` is stored. */
  | { readonly outcome: 'rotated'; readonly previous: RefreshTokenRecord }
  /** `previous` was already spent: reuse (RFC 9700 §4.14.2). Nothing was stored. */
  | { readonly outcome: 'reused'; readonly previous: RefreshTokenRecord }
  /** Unknown, expired, or its family revoked. Nothing was stored. */
  | { readonly outcome: 'invalid' };

/**
 * Where refresh tokens live. A store that also keeps revocations (every `TokenStore`) hides the tokens of a revoked
 * family: `findRefreshToken` returns undefined for them and `rotateRefreshToken` refuses them, inside its atomic step.
 * Tested alone by `runRefreshTokenStoreContract` (express-password-grant/testing).
 * @example
 * class MyStore implements RefreshTokenStore { async saveRefreshToken(record) { ... } ... }
 */
export interface RefreshTokenStore {
  /** Stores a new refresh token until `record.expiresAt`. */
  saveRefreshToken(record: RefreshTokenRecord): Promise<void>;

  /** The record, spent or not; undefined when unknown, expired, or its family is revoked. */
  findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined>;

  /**
   * Atomic: if `previousId` is active and its family not revoked, mark it spent at `now` with `next.id` as
   * successor and store `next`; of two concurrent calls for one id exactly one gets `rotated`. A store that keeps
   * sessions (`SessionStore`) also sets the family's session `lastUsedAt` to `now` and its `refreshTokenId` to
   * `next.id` in that same step, its `ip` and `userAgent` to those of `details` when given (left as they are when
   * not), and keeps what it needs to delete every refresh token of the family when the session ends.
   */
  rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult>;
}
