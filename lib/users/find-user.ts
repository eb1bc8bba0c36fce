// lib/users/find-user.ts
// Runs the app's findUser for a token's `sub` (/userinfo, the refresh grant) and reads its answer as a user record.

import { temporarilyUnavailable } from '../errors/oauth-error';
import type { FindUser } from '../options';
import type { User } from '../types';
import { readUser } from './read-user';

/**
 * The user `findUser(sub)` returns, read by `readUser` (a malformed record is a server_error naming the field);
 * undefined when there is none (`null`, `undefined`, `false`) or when it is another user's: a lookup that ignores its
 * argument must not let one user's claims or scopes stand for another's. A throwing `findUser` is
 * temporarily_unavailable (`detail` 'findUser threw', what it threw as the cause; 503 with Retry-After), wherever it
 * is asked: the user directory is down, not the user gone, and the client should retry (issue 21's contract for the
 * refresh grant, and /userinfo alike). The other callbacks (verifyUser, findClient, verifyMfa, enrichToken,
 * canonicalUsername) are a server_error when they throw.
 * @example const user = await findCurrentUser(findUser, auth.sub);
 */
export async function findCurrentUser(findUser: FindUser, sub: string): Promise<User | undefined> {
  let value: unknown;
  try {
    value = await findUser(sub);
  } catch (err) {
    throw temporarilyUnavailable(err, 'findUser threw');
  }
  if (value === null || value === undefined || value === false) return undefined;
  const user = readUser(value, 'findUser');
  return user.id === sub ? user : undefined;
}
