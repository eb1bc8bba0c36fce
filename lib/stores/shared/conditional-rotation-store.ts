// lib/stores/shared/conditional-rotation-store.ts
// The optional one-step refresh of a store: spend a refresh token and store its successor only if every check the
// refresh grant makes before spending passes, else change nothing.

import type { RefreshTokenRecord, RefreshTokenStore, SessionDetails } from './refresh-token-store';

/** What the refresh grant would check of the presented token before spending it, and the successor's lifetime. */
export interface RotationTerms {
  /** The authenticated client: the token must have been issued to it (RFC 6749 §10.4). */
  readonly clientId: string;
  /** The successor's idle lifetime in seconds: it expires at min(now + idleTTL, authTime + absoluteTTL). */
  readonly idleTTL: number;
  /** The family's absolute lifetime in seconds from its `authTime`: at or past `authTime + absoluteTTL` nothing rotates. */
  readonly absoluteTTL: number;
}

/**
 * A refresh in one atomic step, a capability beyond `RefreshTokenStore`: a store implements it or not, and one that
 * does not keeps working (the grant then finds, checks and rotates). The grant calls it only when nothing of the app
 * must run between the find and the rotation (no `findUser`, no `enrichToken`, no `scope` parameter, no DPoP); when it
 * returns undefined the grant runs its usual find, checks and rotation, so every refusal, event and reuse detection
 * is as without it. PostgresStore implements it (one statement: one round trip per refresh instead of two). Tested
 * by `runConditionalRotationStoreContract` (express-password-grant/testing).
 * @example
 * class MyStore implements TokenStore, ConditionalRotationStore { async rotateIfCurrent(id, terms, successorId, now, details) { ... } }
 */
export interface ConditionalRotationStore {
  /**
   * Atomic, like `rotateRefreshToken`, but only if the record of `previousId` is one the grant would rotate as it is:
   * it exists in the current stored format (not one read from an older format, whose record is `predatesSessions`),
   * is unspent, unexpired (at `now` and by the store's clock), its family not revoked, issued to `terms.clientId`,
   * bound to no DPoP key (`jkt`), and its family not at its end (`authTime + terms.absoluteTTL > now`). Then it marks
   * it spent at `now` with `successorId` as successor and stores the successor: the record without its spend, with
   * `id` = `successorId`, `issuedAt` = `now`, and `expiresAt` = min(`now + terms.idleTTL`, `authTime +
   * terms.absoluteTTL`), written exactly as `rotateRefreshToken` would write that record; the family's session is
   * touched as `rotateRefreshToken` touches it (`details` as there). Returns the record as it was before the spend.
   * Otherwise returns undefined and changes nothing (the caller then decides what the token is). Of concurrent calls
   * (and `rotateRefreshToken` calls) for one id, at most one spends it.
   */
  rotateIfCurrent(
    previousId: string,
    terms: RotationTerms,
    successorId: string,
    now: number,
    details?: SessionDetails,
  ): Promise<RefreshTokenRecord | undefined>;
}

/** The store's conditional rotation, or undefined when it has none (the grant then finds, checks and rotates). */
export function conditionalRotationOf(store: RefreshTokenStore): ConditionalRotationStore | undefined {
  return typeof (store as Partial<ConditionalRotationStore>).rotateIfCurrent === 'function'
    ? (store as RefreshTokenStore & ConditionalRotationStore)
    : undefined;
}
