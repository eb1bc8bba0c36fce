// lib/stores/shared/session-list.ts
// The bounds of one page of `listSessions`, checked the same way by every store.

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
