// lib/throttle/login-throttle.ts
// Brute-force protection of the password grant: refuse locked buckets before verifyUser, count failures after.

import type { Context } from '../context';
import { bucket, ipBucket, normalizeUsername, type Bucket } from './keys';
import { countAttempt, findLock, recordFailure, recordSuccess, throttledError } from './limiter';

/** Who is logging in, from where, through which client. */
export interface LoginAttempt {
  readonly clientId: string;
  readonly username: string;
  readonly ip: string | undefined;
}

/** The throttle of one login attempt. */
export interface LoginThrottle {
  /** Throws 429 slow_down (and emits `throttled`) when a bucket is locked; verifyUser must not run then. */
  guard(): Promise<void>;
  /** A failed login: counts in the username and IP buckets (the username+IP bucket counted the attempt in guard). */
  failed(): Promise<void>;
  /** The password was right but the login is not complete (MFA, expired password): clears the username+IP bucket. */
  passwordAccepted(): Promise<void>;
  /** A successful login: clears the username+IP bucket and remembers the pair. */
  succeeded(): Promise<void>;
}

const none = async (): Promise<void> => undefined;
const OFF: LoginThrottle = { guard: none, failed: none, passwordAccepted: none, succeeded: none };

/**
 * The username+IP bucket is hard (an attacker at that IP gets a few guesses, then growing delays); the username and
 * IP buckets are soft: a pair that logged in successfully within `rememberSuccessSeconds` is exempt from them, so
 * a distributed attack on one username cannot lock its owner out of the places they usually log in from.
 * A success clears only the username+IP bucket: clearing the username bucket would let a guesser elsewhere start
 * afresh each time the real user logs in. The username+IP bucket counts attempts atomically before verifyUser (so a
 * burst of parallel guesses gets no more than `max`, then one per lock period); the soft buckets count failures
 * after it, so successful logins never fill them (a burst can overshoot them by what is in flight, while each IP
 * stays bounded by its own username+IP bucket).
 */
export function loginThrottle(ctx: Context, attempt: LoginAttempt): LoginThrottle {
  const throttle = ctx.config.throttle;
  if (throttle === false) return OFF;
  const user = normalizeUsername(attempt.username);
  const ip = ipBucket(attempt.ip);
  const pair = bucket('usernameIp', `${user}\0${ip}`);
  const soft: Bucket[] = [bucket('username', user), bucket('ip', ip)];
  const buckets: Bucket[] = [pair, ...soft];
  return {
    async guard() {
      const lock = (await findLock(ctx, throttle, buckets, ['username', 'ip'], pair)) ?? (await countAttempt(ctx, throttle, pair));
      if (lock === undefined) return;
      ctx.emit('throttled', { clientId: attempt.clientId, ip: attempt.ip, username: attempt.username, key: lock.kind, retryAfter: lock.retryAfter });
      throw throttledError(lock);
    },
    failed: () => recordFailure(ctx, throttle, soft),
    passwordAccepted: () => recordSuccess(ctx, { ...throttle, rememberSuccessSeconds: 0 }, [pair], pair),
    succeeded: () => recordSuccess(ctx, throttle, [pair], pair),
  };
}
