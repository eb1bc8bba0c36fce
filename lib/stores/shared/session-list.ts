// lib/stores/shared/session-list.ts
// One page of `listSessions`, the same in every store: its bounds checked, its order, and where it ends.

import type { ListSessionsOptions } from './session-store';

/** Sessions per page when `limit` is not given. */
export const DEFAULT_SESSION_PAGE = 100;

/** `before` (Infinity when not given) and `limit` of a page; a TypeError for anything but a positive integer limit. */
export function sessionListBounds(options: ListSessionsOptions): { before: number; limit: number } {
  const { limit = DEFAULT_SESSION_PAGE, before = Infinity } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError('listSessions: options.limit must be a positive integer');
  if (typeof before !== 'number' || Number.isNaN(before)) throw new TypeError('listSessions: options.before must be a number (epoch seconds)');
  return { before, limit };
}

/**
 * The order of a listing: `lastUsedAt` descending, then `id` descending by its UTF-8 bytes, as the SQL stores sort
 * (`id` has a binary collation: BINARY in SQLite, "C" in PostgreSQL) and as a Redis sorted set ranks equal scores.
 */
export function newestFirst(a: { readonly id: string; readonly lastUsedAt: number }, b: { readonly id: string; readonly lastUsedAt: number }): number {
  return b.lastUsedAt - a.lastUsedAt || Buffer.compare(Buffer.from(b.id), Buffer.from(a.id));
}

/**
 * How many of `used` (the `lastUsedAt` of the sessions below `before`, newest first) make the page: a page never
 * ends inside a group of equal `lastUsedAt`, so that the next page, `before` its last one's `lastUsedAt`, neither
 * skips nor repeats a session. When `limit` would cut a group, the page ends before the group, or, when the group
 * starts the page, holds the whole group (at most the per-user cap). So a page may hold fewer than `limit` sessions
 * when more follow, or more than `limit` when more than `limit` share its first second; only an empty page is the end.
 * The SQL stores and the Redis script apply the same rule in the database.
 */
export function sessionPageLength(used: readonly number[], limit: number): number {
  if (used.length <= limit) return used.length;
  const edge = used[limit];
  const start = used.indexOf(edge);
  if (start > 0) return start;
  const end = used.findIndex((at) => at !== edge);
  return end === -1 ? used.length : end;
}
