// lib/throttle/login-throttle.ts
// Brute-force protection of the password grant: reserve the attempt in every bucket before verifyUser, settle after.

import type { Context } from '../context';
import { bucket, ipBucket, normalizeUsername, type Bucket } from './keys';
import { recordSuccess, releaseAll, reserve, throttledError, type BucketPlan, type Reservation } from './limiter';

/** Who is logging in, from where, through which client. */
export interface LoginAttempt {
  readonly clientId: string;
  readonly username: string;
  readonly ip: string | undefined;
}

/** The throttle of one login attempt. */
export interface LoginThrottle {
  /** Reserves the attempt; throws 429 slow_down (and emits `throttled`) when refused: verifyUser must not run then. */
  guard(): Promise<void>;
  /** A failed login: the reservations stay counted as failures (no store call). */
  failed(): Promise<void>;
  /** The password was right but the login is not complete (MFA, expired password): settles like a success, unremembered. */
  passwordAccepted(): Promise<void>;
  /** A successful login: clears the username+IP bucket, gives back one unit of the others, remembers the pair. */
  succeeded(): Promise<void>;
  /** The attempt was never judged (verifyUser threw): gives back everything reserved. */
  abandoned(): Promise<void>;
}

const none = async (): Promise<void> => undefined;
const OFF: LoginThrottle = { guard: none, failed: none, passwordAccepted: none, succeeded: none, abandoned: none };

/**
 * Three buckets, each reserved atomically before verifyUser (so a parallel burst gets at most `max` checks in each):
 * - usernameIp (the place: this username from this IP): full means locked, then one attempt per doubling lock.
 * - ip (any username from this IP, credential stuffing): the same, except for a pair that logged in here recently.
 * - username (any IP, distributed guessing): never refuses a pair that logged in recently; any other place gets one
 *   attempt per window while it is full, so its owner with the right password gets in anywhere on the first try.
 * A success clears only the username+IP bucket and gives back its unit in the shared ones: clearing the username
 * bucket would give a distributed guesser a fresh start whenever the real user logs in, clearing the IP bucket
 * would let a stuffer reset it by logging into his own account.
 */
export function loginThrottle(ctx: Context, attempt: LoginAttempt): LoginThrottle {
  const throttle = ctx.config.throttle;
  if (throttle === false) return OFF;
  const user = normalizeUsername(attempt.username);
  const ip = ipBucket(attempt.ip);
  const place = bucket('usernameIp', `${user}\0${ip}`);
  const plans: BucketPlan[] = [
    { bucket: place, whenFull: 'lock', exemptIfKnown: false },
    { bucket: bucket('ip', ip), whenFull: 'lock', exemptIfKnown: true },
    { bucket: bucket('username', user), whenFull: 'tighten', exemptIfKnown: true },
  ];
  let held: Reservation | undefined;
  const settle = (run: (r: Reservation, place: Bucket) => Promise<unknown>) => async (): Promise<void> => {
    const r = held;
    held = undefined;
    if (r !== undefined) await run(r, place);
  };
  return {
    async guard() {
      const reserved = await reserve(ctx, throttle, plans, place);
      if (reserved.lock === undefined) {
        held = reserved.reservation;
        return;
      }
      const lock = reserved.lock;
      ctx.emit('throttled', { clientId: attempt.clientId, ip: attempt.ip, username: attempt.username, key: lock.kind, retryAfter: lock.retryAfter });
      throw throttledError(lock);
    },
    failed: settle(async () => undefined),
    passwordAccepted: settle((r, p) => recordSuccess(ctx, throttle, r, p, false)),
    succeeded: settle((r, p) => recordSuccess(ctx, throttle, r, p, true)),
    abandoned: settle((r) => releaseAll(ctx, r.held)),
  };
}
