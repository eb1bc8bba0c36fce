// lib/throttle/username-key.ts
// The string a username's failures are counted under: the app's canonicalUsername, checked, or the default fold.

import type { Context } from '../context';
import { serverError } from '../errors/oauth-error';
import { foldUsername } from './keys';

/**
 * Every spelling of one account must give one key, or each spelling would be a fresh budget of guesses. The app's
 * `canonicalUsername` knows its table best; without it, `foldUsername` folds at least as far as the common case- and
 * accent-insensitive collations. A function that throws, or returns anything but a non-empty string of at most four
 * times `limits.username` characters (a promise included: it must be synchronous), is the app's bug: a
 * server_error (500 and an `error` event naming the option) before anything is reserved.
 */
export function usernameKey(ctx: Context, username: string): string {
  const canonical = ctx.config.canonicalUsername;
  if (canonical === undefined) return foldUsername(username);
  let key: unknown;
  try {
    key = canonical(username);
  } catch (err) {
    throw serverError(err, 'options.canonicalUsername threw');
  }
  // A rejected promise nobody awaits would be an unhandled rejection, which ends the process by default.
  if (key instanceof Promise) key.catch(() => undefined);
  const max = 4 * ctx.config.limits.username;
  if (typeof key !== 'string' || key === '' || key.length > max) {
    const problem = new TypeError(`options.canonicalUsername must return a non-empty string of at most ${max} characters, synchronously`);
    throw serverError(problem, 'options.canonicalUsername returned no usable key');
  }
  return key;
}
