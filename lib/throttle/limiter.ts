// lib/throttle/limiter.ts
// The bucket engine over TokenStore counters: is a bucket locked, count a failure (locking past max), clear on success.

import type { Context } from '../context';
import { OAuthError } from '../errors/oauth-error';
import { storeCall } from '../grants/store-call';
import { epochSeconds } from '../util/clock';
import { failKey, knownKey, lockKey, type Bucket } from './keys';
import type { BucketKind, ResolvedRule, ThrottleConfig } from './options';

/** A refusal: which bucket is locked and for how many more seconds. */
export interface Lock {
  readonly kind: BucketKind;
  readonly retryAfter: number;
}

/**
 * The lock of the bucket that frees last among `buckets`, or undefined. Locks of `soft` buckets are ignored when
 * `known` (a username+IP or client+IP pair) succeeded recently: an attacker elsewhere cannot lock it out.
 */
export async function findLock(
  ctx: Context,
  throttle: ThrottleConfig,
  buckets: readonly Bucket[],
  soft: readonly BucketKind[],
  known: Bucket,
): Promise<Lock | undefined> {
  const { store } = ctx.config;
  const active = buckets.filter((b) => throttle.rules[b.kind] !== false);
  if (active.length === 0) return undefined;
  const counters = await storeCall('peek', () => Promise.all(active.map((b) => store.peek(lockKey(b)))));
  let locked = active.flatMap((b, i) => (counters[i] === undefined ? [] : [{ kind: b.kind, resetAt: counters[i].resetAt }]));
  if (locked.some((l) => soft.includes(l.kind)) && throttle.rememberSuccessSeconds > 0) {
    const marker = await storeCall('peek', () => store.peek(knownKey(known)));
    if (marker !== undefined) locked = locked.filter((l) => !soft.includes(l.kind));
  }
  if (locked.length === 0) return undefined;
  const last = locked.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
  return { kind: last.kind, retryAfter: Math.max(1, last.resetAt - epochSeconds(ctx.config.now)) };
}

/**
 * Counts an attempt in a hard bucket before the credentials are checked, so concurrent requests cannot all slip in
 * under the threshold: of N parallel attempts only those numbered up to `max` proceed (the max-th starts the lock
 * before it is even verified), and after a lock has ended exactly one more attempt wins the `claimOnce` and
 * proceeds, re-locking for twice as long. Returns the lock that refuses this attempt, if any.
 */
export async function countAttempt(ctx: Context, throttle: ThrottleConfig, bucket: Bucket): Promise<Lock | undefined> {
  const rule = throttle.rules[bucket.kind];
  if (rule === false) return undefined;
  const { store } = ctx.config;
  const counter = await storeCall('hit', () => store.hit(failKey(bucket), rule.windowSeconds));
  if (counter.count < rule.max) return undefined;
  const lock = lockSeconds(rule, counter.count);
  // One attempt per lock period: the max-th takes the claim for the first period, the first after each lock ends
  // takes the next one; whoever finds it taken is refused, however many run in parallel.
  const won = await storeCall('claimOnce', () => store.claimOnce(`${lockKey(bucket)}:retry`, lock));
  if (!won && counter.count > rule.max) return { kind: bucket.kind, retryAfter: lock };
  await storeCall('hit', () => store.hit(lockKey(bucket), lock));
  return undefined;
}

/** Counts one failure in each bucket; a bucket at or past its max is (re)locked for a growing time. */
export async function recordFailure(ctx: Context, throttle: ThrottleConfig, buckets: readonly Bucket[]): Promise<void> {
  const { store } = ctx.config;
  await storeCall('hit', () =>
    Promise.all(
      buckets.map(async (b) => {
        const rule = throttle.rules[b.kind];
        if (rule === false) return;
        const counter = await store.hit(failKey(b), rule.windowSeconds);
        if (counter.count >= rule.max) await store.hit(lockKey(b), lockSeconds(rule, counter.count));
      }),
    ),
  );
}

/** Clears `buckets` (failures and lock) and marks `known` as a pair that succeeded. */
export async function recordSuccess(ctx: Context, throttle: ThrottleConfig, buckets: readonly Bucket[], known: Bucket): Promise<void> {
  const { store } = ctx.config;
  const remember = throttle.rememberSuccessSeconds;
  await storeCall('reset', () =>
    Promise.all([
      ...buckets.flatMap((b) => [store.reset(failKey(b)), store.reset(lockKey(b))]),
      remember > 0 ? store.hit(knownKey(known), remember) : undefined,
    ]),
  );
}

/** lockSeconds at the max-th failure, doubling with each one after, never longer than the window. */
export function lockSeconds(rule: ResolvedRule, count: number): number {
  const doublings = Math.min(count - rule.max, 30);
  return Math.min(rule.lockSeconds * 2 ** doublings, rule.windowSeconds);
}

/**
 * 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3). `slow_down` is the registered OAuth error code for
 * "too many requests, wait" (RFC 8628 §3.5); the body otherwise follows RFC 6749 §5.2.
 */
export function throttledError(lock: Lock): OAuthError {
  return new OAuthError('slow_down', 'Too many failed attempts; retry after the number of seconds in Retry-After', {
    status: 429,
    headers: { 'Retry-After': String(lock.retryAfter) },
    detail: `throttled: ${lock.kind} bucket locked for ${lock.retryAfter}s`,
  });
}
