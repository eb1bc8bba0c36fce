// lib/stores/shared/session-store.ts
// The session capability of a store: one record per login, found by user, touched by rotation, capped per user.

import type { RefreshTokenRecord } from './refresh-token-store';

/**
 * One login (with or without a refresh token): what a "where am I signed in" list shows and what signing out ends.
 * Stored under `id`, the login's `sid` (the refresh-token family, and the `sid` claim of its access tokens). All
 * times are seconds since the epoch.
 */
export interface SessionRecord {
  /** The login's `sid`: its refresh tokens' `familyId`, its access tokens' `sid` claim. */
  readonly id: string;
  readonly sub: string;
  readonly clientId: string;
  readonly scope: readonly string[];
  readonly createdAt: number;
  /** The login, then each rotation of its refresh token. */
  readonly lastUsedAt: number;
  /** When the session ends for good: no token of it is accepted after this (nor is its revocation mark needed). */
  readonly expiresAt: number;
  /** The id (SHA-256) of its current refresh token; absent when the login issued none. */
  readonly refreshTokenId?: string;
  /** The end user's IP at the last use (the login, then each refresh), stored when given (`options.sessionDetails`). */
  readonly ip?: string;
  /** The User-Agent of the last use (the login, then each refresh), stored when given (`options.sessionDetails`). */
  readonly userAgent?: string;
}

/** What `saveSession` also does, in the same atomic step. */
export interface SaveSessionOptions {
  /** The login's first refresh token (its `familyId` is the session's `id`), stored with the session. */
  readonly refreshToken?: RefreshTokenRecord;
  /**
   * At most this many sessions per user: beyond it, the user's least recently used sessions are ended (as by
   * `endSession`, their refresh tokens deleted), so a script that logs in in a loop stores a bounded amount.
   */
  readonly maxPerUser: number;
}

/** Paging of `listSessions`. */
export interface ListSessionsOptions {
  /**
   * Sessions per page. Default 100. A page never ends inside a group of sessions with equal `lastUsedAt`: it ends
   * before such a group (fewer than `limit`), or holds all of it when the group starts the page (more than `limit`).
   */
  readonly limit?: number;
  /** Only sessions last used strictly before this time (epoch seconds): the `lastUsedAt` of a page's last entry. */
  readonly before?: number;
}

/**
 * Sessions, a capability beyond `TokenStore`: a store implements it or not, and one that does not keeps working for
 * everything that does not need it. Every store of the package implements it. Lookups by user cost O(sessions of
 * that user), never a scan. A store that implements it also touches the session in `rotateRefreshToken` (its
 * `lastUsedAt`, `refreshTokenId`, and with details its `ip` and `userAgent`, in the rotation's own atomic step), and
 * keeps, for each session, the means to find every refresh token of its family (an index, a list, a chain): ending a
 * session deletes them all, so nothing of the user outlives it but the revocation mark. Tested by
 * `runSessionStoreContract` (express-password-grant/testing).
 * @example
 * const sessions = await store.listSessions(userId, { limit: 20 });
 */
export interface SessionStore {
  /**
   * Atomic: stores `session` (replacing one with its id) and `options.refreshToken` in one step (one statement,
   * transaction or script), then ends the user's least recently used sessions beyond `options.maxPerUser`.
   */
  saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void>;

  /** The session; undefined when unknown, past its `expiresAt`, ended, or its family revoked. */
  findSession(id: string): Promise<SessionRecord | undefined>;

  /**
   * One page of the user's live sessions, most recently used first: `lastUsedAt` descending, then `id` descending by
   * its UTF-8 bytes. A page never ends inside a group of equal `lastUsedAt` (see `limit`), so paging on with the last
   * one's `lastUsedAt` as `before` neither skips nor repeats a session; an empty page is the end.
   */
  listSessions(sub: string, options?: ListSessionsOptions): Promise<SessionRecord[]>;

  /**
   * Ends a session: deletes it and every refresh token of its family (the current one, and those spent by rotation or
   * hidden by a revocation), and revokes its family until its `expiresAt` (its access tokens stop where revocation is
   * checked), broadcast like `revokeFamily`. A session whose family was already revoked is ended the same way. Costs
   * O(refresh tokens of the family), never a scan. False when there was none to end.
   */
  endSession(id: string): Promise<boolean>;
}
