// lib/grants/app-sessions.ts
// The app's hold on its users' sessions: list them, end one, end all (but one), as auth.listSessions and friends.

import type { Context } from '../context';
import type { SessionRecord, SessionStore } from '../stores/shared/session-store';
import { storeCall } from '../stores/shared/store-call';
import { markSubjectRevoked } from './subject-mark';

/** One session as `auth.listSessions` shows it. Times are seconds since the epoch. */
export interface SessionInfo {
  /** The session id: the `sid` of its access tokens (`req.auth.sid`), its refresh tokens' family. */
  readonly id: string;
  readonly clientId: string;
  readonly scope: string[];
  /** The login. */
  readonly createdAt: number;
  /** The login, or its last refresh. */
  readonly lastUsedAt: number;
  /** When it ends for good (no token of it is accepted after this). */
  readonly expiresAt: number;
  /** The end user's IP (as the throttle saw it) at the last use (the login or its last refresh); only while the app opts in (`options.sessionDetails`). */
  readonly ip?: string;
  /** The User-Agent of the last use, truncated; only while the app opts in (`options.sessionDetails`). */
  readonly userAgent?: string;
}

/**
 * Paging of `auth.listSessions`. Page on until a page is empty: pass the last session's `lastUsedAt` as `before`.
 * Sessions used in the same second (a script, two devices) share a `lastUsedAt`, and a page never splits them: it
 * ends before such a group, so a page of fewer than `limit` is not the end, or, when the group starts the page, holds
 * the whole group, so a page holds more than `limit` only when more than `limit` sessions share its first second (at
 * most `maxSessionsPerUser`).
 */
export interface ListSessionsPage {
  /** Sessions per page (1 to 1000), but never a group of equal `lastUsedAt` split (see above). Default 100. */
  readonly limit?: number;
  /** Only sessions last used strictly before this (epoch seconds): the `lastUsedAt` of the previous page's last one. */
  readonly before?: number;
}

/** Options of `auth.revokeSession` and `auth.revokeSessions`. */
export interface RevokeSessionsOptions {
  /** `revokeSessions` only: the session to keep (`req.auth.sid`: "sign out everywhere else"). */
  readonly except?: string;
  /** Handed to `session.revoked` as `appReason` (e.g. 'password_changed'); at most 200 characters. */
  readonly reason?: string;
}

const MAX_PAGE = 1000;
/** Sessions revokeSessions ends concurrently. */
const ENDS_AT_ONCE = 50;
const MAX_REASON = 200;

/** The store's sessions, or a rejection naming the capability a store without it lacks. */
function sessionsOf(ctx: Context, method: string): SessionStore {
  const { sessions } = ctx.config;
  if (sessions === undefined) throw new TypeError(`auth.${method} needs a store that implements SessionStore; options.store does not`);
  return sessions;
}

function checkString(value: unknown, what: string, max = Infinity): void {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new TypeError(`${what} must be a non-empty string${max === Infinity ? '' : ` of at most ${max} characters`}`);
  }
}

function checkOptions(method: string, options: RevokeSessionsOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`auth.${method}: options must be an object`);
  if (options.reason !== undefined) checkString(options.reason, `auth.${method}: options.reason`, MAX_REASON);
  if (options.except !== undefined) checkString(options.except, `auth.${method}: options.except`);
}

/** The session as the app sees it; its details only while the app opts in (a record from an earlier opt-in keeps them until its next refresh). */
function info(record: SessionRecord, details: boolean): SessionInfo {
  const { id, clientId, scope, createdAt, lastUsedAt, expiresAt, ip, userAgent } = record;
  const shown = { id, clientId, scope: [...scope], createdAt, lastUsedAt, expiresAt };
  if (!details) return shown;
  return { ...shown, ...(ip === undefined ? {} : { ip }), ...(userAgent === undefined ? {} : { userAgent }) };
}

/**
 * The user's live sessions, most recently used first (equal `lastUsedAt` by `id`, descending); `before` pages on, and
 * an empty page is the end (ListSessionsPage).
 */
export async function listSessions(ctx: Context, sub: string, page: ListSessionsPage = {}): Promise<SessionInfo[]> {
  const sessions = sessionsOf(ctx, 'listSessions');
  checkString(sub, 'auth.listSessions: sub');
  if (typeof page !== 'object' || page === null) throw new TypeError('auth.listSessions: options must be an object');
  const { limit = 100, before } = page;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new TypeError(`auth.listSessions: options.limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  if (before !== undefined && (typeof before !== 'number' || !Number.isFinite(before))) {
    throw new TypeError('auth.listSessions: options.before must be a finite number (epoch seconds)');
  }
  const records = await storeCall('listSessions', () => sessions.listSessions(sub, before === undefined ? { limit } : { limit, before }));
  return records.map((record) => info(record, ctx.config.sessionDetails));
}

/** Ends one session of `sub`: false when there is none (unknown, ended, expired, or another user's). */
export async function revokeSession(ctx: Context, sub: string, sessionId: string, options: RevokeSessionsOptions = {}): Promise<boolean> {
  const sessions = sessionsOf(ctx, 'revokeSession');
  checkString(sub, 'auth.revokeSession: sub');
  checkString(sessionId, 'auth.revokeSession: sessionId');
  checkOptions('revokeSession', options);
  const session = await storeCall('findSession', () => sessions.findSession(sessionId));
  if (session === undefined || session.sub !== sub) return false;
  return end(ctx, sessions, session, options.reason);
}

/**
 * Ends every session of `sub` but `options.except`, page by page (each page's sessions are gone from the next), then
 * marks the user so that refresh tokens older than session records are refused too. Each session ended goes with
 * every refresh token of its family (the store's endSession). The number of sessions ended.
 */
export async function revokeSessions(ctx: Context, sub: string, options: RevokeSessionsOptions = {}): Promise<number> {
  const sessions = sessionsOf(ctx, 'revokeSessions');
  checkString(sub, 'auth.revokeSessions: sub');
  checkOptions('revokeSessions', options);
  let ended = 0;
  for (;;) {
    // The last page, which has nothing left to end, also lets a store drop what its index of the user still names
    // (RedisStore: the sorted set keyed by the user's hash, deleted once empty).
    const page = await storeCall('listSessions', () => sessions.listSessions(sub, { limit: MAX_PAGE }));
    const others = page.filter((s) => s.id !== options.except);
    // Stops when a page ends nothing: none is left (a short page is not the end: it may stop before a group of equal
    // lastUsedAt), what is left is `except`, or sessions another call ends at the same time.
    let count = 0;
    // ENDS_AT_ONCE at a time, not a page's worth (a page holds more than MAX_PAGE when that many share one second): a
    // store's timeout may count the wait for a connection (PostgresStore's does, on a pool of 10 by default).
    for (let i = 0; i < others.length; i += ENDS_AT_ONCE) {
      const results = await Promise.all(others.slice(i, i + ENDS_AT_ONCE).map((s) => end(ctx, sessions, s, options.reason)));
      count += results.filter(Boolean).length;
    }
    ended += count;
    if (count === 0) break;
  }
  await markSubjectRevoked(ctx, sub);
  return ended;
}

/** Ends the session (its family revoked and broadcast by the store), then tells the app. */
async function end(ctx: Context, sessions: SessionStore, session: SessionRecord, appReason: string | undefined): Promise<boolean> {
  const ended = await storeCall('endSession', () => sessions.endSession(session.id));
  if (ended) {
    ctx.emit('session.revoked', {
      clientId: session.clientId,
      sub: session.sub,
      sid: session.id,
      reason: 'app',
      ...(appReason === undefined ? {} : { appReason }),
    });
  }
  return ended;
}
