// lib/throttle/limiter.ts
// The bucket engine over TokenStore counters: reserve an attempt in every bucket before the check, lock full buckets
// one period at a time, give reservations back on success.

import type { Context } from '../context';
import { OAuthError } from '../errors/oauth-error';
import { storeCall } from '../stores/shared/store-call';
import type { CappedHitRequest, CounterBatch, CounterChange } from '../stores/shared/counter-batch-store';
import type { CappedHit, Counter } from '../stores/shared/counter-store';
import { counterBatch, counterStore } from './throttle-store';
import { epochSeconds } from '../util/clock';
import { failKey, knownCountKey, knownKey, levelKey, lockKey, tightKey, type Bucket } from './keys';
import type { BucketKind, ResolvedRule, ThrottleConfig } from '../options/throttle';

/** A refusal: which bucket is full and for how many more seconds. */
export interface Lock {
  readonly kind: BucketKind;
  readonly retryAfter: number;
}

/**
 * What a full bucket does to an attempt:
 * - `lock`: refused while the bucket's lock runs; once it ends, exactly one attempt proceeds and starts the next
 *   lock, twice as long (capped at the window). Hard buckets (usernameIp, clientIp, unknown client ids per IP) and
 *   the per-IP login bucket.
 * - `tighten`: each place (the `place` pair: username+IP or client+IP) gets one attempt per `windowSeconds` of the
 *   bucket, so the right credential still gets in on its first try anywhere, while a guesser spread over many
 *   places gets one guess per place per window. The per-username and per-client buckets.
 * A bucket with `exemptIfKnown` is skipped altogether for an account that succeeded at this IP within
 * `rememberSuccessSeconds` (until it fails there: see recordFailure).
 */
export interface BucketPlan {
  readonly bucket: Bucket;
  readonly whenFull: 'lock' | 'tighten';
  readonly exemptIfKnown: boolean;
}

/**
 * Where an attempt is counted, and whose it is. `counted` is the hard bucket of the place (username+IP with the
 * username folded, or client+IP), the one whose failures lock it and whose tight claim it spends; `account` is what
 * the attempt names exactly (the spelling typed, at this IP): its "succeeded here" marker and its own failures. A
 * client id is exact already (load-client.ts keeps a record only when its id is the id presented), so a client's
 * place is its own account.
 */
export interface Place {
  readonly counted: Bucket;
  readonly account: Bucket;
}

/** The attempts one request holds; settled by `recordSuccess`, `recordFailure` or `releaseAll`. */
export interface Reservation {
  /** Buckets in which this attempt holds one unit (counted now, kept as a failure unless released), its tally included. */
  readonly held: readonly Bucket[];
  /** The place's counter as reserved (undefined when its rule is off), and whether it was full (a lock-period attempt). */
  readonly place: CappedHit | undefined;
  /** The account's tally at the place as reserved (undefined for a client's place, or when the place's rule is off). */
  readonly tally: CappedHit | undefined;
  /** The account's "succeeded here" marker, as read before the check. */
  readonly marker: Counter | undefined;
  /** How many accounts have a marker at the place, as read before the check (undefined: none, or not counted). */
  readonly markers: Counter | undefined;
  /** A full bucket let this attempt through only because of the marker. */
  readonly exempted: boolean;
}

/** The outcome of `reserve`: the attempt may go ahead holding `reservation`, or is refused by `lock`. */
export type Reserved = { readonly reservation: Reservation; readonly lock?: undefined } | { readonly lock: Lock; readonly reservation?: undefined };

/**
 * Reserves this attempt in every active bucket before the credential is checked, atomically (store.hitBelow), so a
 * burst of N parallel attempts gets at most `max` checks per bucket, requests in flight included. A full bucket
 * refuses, tightens or exempts as its plan says; a refused attempt holds nothing (what it reserved is released).
 * Where the place's accounts are spellings, the attempt is also reserved in its account's tally (see `tallyRequest`).
 * One store round trip when no bucket is full (the reservations and the account's marker in one batch: one call of
 * a CounterBatchStore, else single-key calls in parallel); more only at and past a threshold. When the batch fails
 * (a 503 follows), nothing of it stays counted (CounterBatchStore.hitBelowMany): a store that fails for a moment must
 * not leave counted attempts behind, or a user who retried through the outage would find his place full, and
 * locked, once it recovers.
 */
export async function reserve(ctx: Context, throttle: ThrottleConfig, plans: readonly BucketPlan[], place: Place): Promise<Reserved> {
  const active = plans.filter((p) => throttle.rules[p.bucket.kind] !== false);
  const remembering = throttle.rememberSuccessSeconds > 0;
  const requests = active.map((p): CappedHitRequest => {
    const rule = throttle.rules[p.bucket.kind] as ResolvedRule;
    return { key: failKey(p.bucket), max: rule.max, windowSeconds: rule.windowSeconds };
  });
  const tally = tallyRequest(throttle, active, place);
  const peeked = remembering ? [knownKey(place.account), ...(spelled(place) ? [knownCountKey(place.counted)] : [])] : [];
  const batch = await hitBelowMany(ctx, tally === undefined ? requests : [tally, ...requests], peeked);
  const [tallied, hits] = tally === undefined ? [undefined, batch.hits] : [batch.hits[0], batch.hits.slice(1)];
  const [marker, markers] = batch.peeks;
  const known = marker !== undefined;
  const held = [...active.filter((_, i) => hits[i].added).map((p) => p.bucket), ...(tallied?.added === true ? [place.account] : [])];
  const placeIndex = active.findIndex((p) => p.bucket.name === place.counted.name);
  const placeHit = placeIndex < 0 ? undefined : hits[placeIndex];
  // The place's counter outlives the tally's units unless the place was full (its hit refused: not extended) and
  // this attempt never counted there (nextPeriod did not let it through).
  let placeExtended = placeHit?.added !== false;
  const giveBack = (): Promise<void> => {
    if (tally === undefined || tallied?.added !== true || placeHit === undefined || placeExtended) return releaseAll(ctx, held);
    return changeMany(ctx, 'release', [...held.filter((b) => b !== place.account).map((b) => release(failKey(b))), reset(tally.key)]);
  };
  let exempted = false;
  try {
    for (const [i, plan] of active.entries()) {
      const rule = throttle.rules[plan.bucket.kind] as ResolvedRule;
      const hit = hits[i];
      if (hit.added) {
        if (plan.whenFull === 'lock' && hit.count >= rule.max) await startLock(ctx, rule, plan.bucket);
        continue;
      }
      if (plan.exemptIfKnown && known) {
        exempted = true;
        continue;
      }
      const lock = plan.whenFull === 'lock' ? await nextPeriod(ctx, rule, plan.bucket) : await tighten(ctx, rule, plan.bucket, place.counted);
      if (lock !== undefined) {
        await giveBack();
        return { lock };
      }
      if (i === placeIndex) placeExtended = true;
    }
  } catch (err) {
    await giveBack().catch(() => undefined);
    throw err;
  }
  return { reservation: { held, place: placeHit, tally: tallied, marker, markers, exempted } };
}

// An attempt that a full place refused gives its tally back by deleting it (reset), never by writing it again: its
// reservation made the tally live `windowSeconds` from now, longer than the full place's untouched counter, and a
// `release` keeps that expiry, so the tally would outlive the units it counts (a success of its spelling once the
// place expired would clear someone else's guess as its own). Rewriting the count it read at the reservation is no
// answer either: that count includes other attempts in flight at once, so a burst of refused attempts as ALICE
// inflated ALICE's tally past alice's guesses, and ALICE's own login then cleared them (review, 2026-12-07). A reset
// only ever lowers a tally: the cost is that a user refused during her own lock no longer has her typos cleared by her
// next success; they expire with the place's window.

/** A place whose accounts are spellings of one folded username (a client's place is its own account). */
const spelled = (place: Place): boolean => place.account.name !== place.counted.name;

/** A tally never refuses: its cap only keeps the request a valid `hitBelow` for any store (a 32-bit count). */
const TALLY_CAP = 2 ** 31 - 1;

/**
 * The account's tally at a spelled place: its units there, reserved with the place's own (same window, first in the
 * batch, so never later), kept when the attempt fails and given back otherwise, like the place's unit. So it never
 * outlives the units it counts: were it counted after the check, a failure's tally would outlast the place's counter
 * by the length of the check, and a success of that spelling in the gap would clear someone else's guess as its own.
 * Undefined for a client's place (its own account) or when the place's rule is off.
 */
function tallyRequest(throttle: ThrottleConfig, active: readonly BucketPlan[], place: Place): CappedHitRequest | undefined {
  if (!spelled(place) || !active.some((p) => p.bucket.name === place.counted.name)) return undefined;
  const rule = throttle.rules[place.counted.kind] as ResolvedRule;
  return { key: failKey(place.account), max: TALLY_CAP, windowSeconds: rule.windowSeconds };
}

/**
 * How many spellings of one username may be remembered at one IP. An app whose lookup ignores case or accents maps
 * `mallory`, `Mallory`, `mal\u00ADlory`... to one account, and each success would otherwise write a marker of its
 * own: one account could fill a shared store with them, or push real users' markers out of MemoryStore's budget.
 */
export const MAX_KNOWN_SPELLINGS = 4;

/** One `hitBelowMany` of the store (or its single-key calls), its answer checked for shape. */
async function hitBelowMany(ctx: Context, requests: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
  return storeCall('hitBelowMany', async () => {
    const batch = await counterBatch(ctx).hitBelowMany(requests, peeks);
    if (batch?.hits?.length !== requests.length || batch.peeks?.length !== peeks.length) {
      throw new TypeError(`hitBelowMany answered ${batch?.hits?.length} hits and ${batch?.peeks?.length} peeks for ${requests.length} and ${peeks.length}`);
    }
    return batch;
  });
}

/** One `changeMany` of the store (or its single-key calls); none for no change. */
async function changeMany(ctx: Context, operation: string, changes: readonly CounterChange[]): Promise<void> {
  if (changes.length > 0) await storeCall(operation, () => counterBatch(ctx).changeMany(changes));
}

const release = (key: string): CounterChange => ({ op: 'release', key });
const reset = (key: string): CounterChange => ({ op: 'reset', key });
const hit = (key: string, windowSeconds: number): CounterChange => ({ op: 'hit', key, windowSeconds });

/**
 * The attempt succeeded: gives back one unit in every shared bucket (never resets one: a guesser must not clear his
 * IP's budget by logging into his own account), and at the place only what the account itself failed there: all of
 * it (failures, lock, lock level) when every earlier unit at the place was this account's, else that many units, the
 * lock left running. So a success clears a user's own typos, never guesses at another account that folds like it.
 * What was the account's is read from the reservation (the tally and the place, counted in one batch), so it costs
 * no read of its own. Remembers the account here when `remember` is set and its marker is missing or past half its
 * life, and the place has fewer than MAX_KNOWN_SPELLINGS markers (a refresh of an existing one always goes). One
 * store round trip.
 */
export async function recordSuccess(ctx: Context, throttle: ThrottleConfig, r: Reservation, place: Place, remember: boolean): Promise<void> {
  const { counted, account } = place;
  const keep = throttle.rememberSuccessSeconds;
  const now = epochSeconds(ctx.config.now);
  const due = remember && keep > 0 && (r.marker === undefined || r.marker.resetAt - now < keep / 2);
  const refresh = due && (r.marker !== undefined || !spelled(place) || (r.markers?.count ?? 0) < MAX_KNOWN_SPELLINGS);
  const mine = ownEarlier(r);
  const clear = mine > 0 && mine >= earlierAt(r);
  // Given back unit by unit unless cleared: the place and the tally each lose this attempt's unit and `mine` more.
  const cleared = clear ? [failKey(counted), lockKey(counted), levelKey(counted), ...(r.tally === undefined ? [] : [failKey(account)])] : [];
  const giveBack = clear
    ? []
    : [failKey(counted), ...(r.tally === undefined ? [] : [failKey(account)])].flatMap((key) => Array.from({ length: mine }, () => release(key)));
  await changeMany(ctx, 'release', [
    ...r.held.filter((b) => !cleared.includes(failKey(b))).map((b) => release(failKey(b))),
    ...cleared.map(reset),
    ...giveBack,
    ...(refresh ? [hit(knownKey(account), keep), ...countMarker(place, r.marker === undefined, keep)] : []),
  ]);
}

/**
 * Units at the place before this attempt: earlier failures, or attempts still in flight. A lock-period attempt (not
 * added: the place was full) found `count` of them.
 */
function earlierAt(r: Reservation): number {
  return r.place === undefined ? 0 : r.place.added ? r.place.count - 1 : r.place.count;
}

/**
 * How many of the earlier units at the place were this account's: all of them when the place is the account (a
 * client), else its tally's as reserved, never more than the place held.
 */
function ownEarlier(r: Reservation): number {
  const earlier = earlierAt(r);
  if (r.tally === undefined) return earlier;
  return Math.min(earlier, r.tally.added ? r.tally.count - 1 : r.tally.count);
}

/**
 * The place's count of markers as a marker is written: one more for a new marker, the same for a refresh (release
 * then hit, in order: the count outlives every marker it counts, since `hit` extends its expiry). So it never counts
 * fewer markers than live, and none is written past MAX_KNOWN_SPELLINGS except by successes in parallel, which read
 * the same count before either wrote: at most that many more, bounded by the requests in flight.
 */
function countMarker(place: Place, added: boolean, keep: number): CounterChange[] {
  if (!spelled(place)) return [];
  const key = knownCountKey(place.counted);
  return [...(added ? [] : [release(key)]), hit(key, keep)];
}

/**
 * The attempt failed: its reservations stay counted (the account's tally among them, for what a later success of the
 * same account may give back), and a failure that an exemption let through cancels the exemption: the marker is
 * deleted, so whoever shares the place (or a marker written for another account) gets one guess past the shared
 * buckets, not a window's worth; the account's next success writes it again. The place's count of markers keeps
 * its unit: parallel failures would each give one back for one marker deleted, and reopen room without bound.
 * No store call otherwise.
 */
export async function recordFailure(ctx: Context, r: Reservation, place: Place): Promise<void> {
  if (r.exempted) await changeMany(ctx, 'reset', [reset(knownKey(place.account))]);
}

/** The attempt was never judged (e.g. verifyUser or findClient threw): give back every unit it holds. */
export function releaseAll(ctx: Context, held: readonly Bucket[]): Promise<void> {
  return changeMany(
    ctx,
    'release',
    held.map((b) => release(failKey(b))),
  );
}

/**
 * Starts the bucket's first lock (or the next one, if an earlier lock level is remembered); of several callers exactly
 * one creates it and raises the level. Returns the lock mark, created or found.
 */
async function startLock(ctx: Context, rule: ResolvedRule, b: Bucket): Promise<CappedHit> {
  const store = counterStore(ctx);
  const level = await storeCall('peek', () => store.peek(levelKey(b)));
  // The lock mark first, then the level: whoever sees the level raised also sees the lock (see nextPeriod).
  const lock = await storeCall('hitBelow', () => store.hitBelow(lockKey(b), 1, lockSeconds(rule, (level?.count ?? 0) + 1)));
  if (lock.added) await storeCall('hit', () => store.hit(levelKey(b), rule.windowSeconds));
  return lock;
}

/**
 * A full `lock` bucket: refused while its lock runs. Once it has ended, the first attempt to create the next lock
 * mark (hitBelow with max 1: exactly one of any number in parallel) proceeds; the lock doubles per period, never per
 * request, so a burst cannot run it up to the cap. Returns the refusal, or undefined for the one that proceeds.
 */
async function nextPeriod(ctx: Context, rule: ResolvedRule, b: Bucket): Promise<Lock | undefined> {
  const store = counterStore(ctx);
  const {
    peeks: [lock, level],
  } = await hitBelowMany(ctx, [], [lockKey(b), levelKey(b)]);
  if (lock !== undefined) return lockedUntil(ctx, b, lock.resetAt);
  if (level === undefined) {
    // Full, yet no lock ever ran. Usually the attempt that filled it is starting the first lock right now, but it may
    // never: its process died between its hitBelow and startLock (on a shared store its units stay counted), or
    // `max` was lowered under a live counter. Waiting for it would refuse everyone here until the window ends, so
    // start the lock as the filler would (startLock: exactly one creator raises the level) and wait it out.
    const started = await startLock(ctx, rule, b);
    return lockedUntil(ctx, b, started.resetAt);
  }
  const next = await storeCall('hitBelow', () => store.hitBelow(lockKey(b), 1, lockSeconds(rule, level.count + 1)));
  if (!next.added) return lockedUntil(ctx, b, next.resetAt);
  // This attempt is a failure unless it succeeds: count it (past max, so the window slides from it) and raise the level.
  await changeMany(ctx, 'hit', [hit(levelKey(b), rule.windowSeconds), hit(failKey(b), rule.windowSeconds)]);
  return undefined;
}

/** A full `tighten` bucket: one attempt per place per window (a place that succeeds then becomes known). */
async function tighten(ctx: Context, rule: ResolvedRule, b: Bucket, place: Bucket): Promise<Lock | undefined> {
  const store = counterStore(ctx);
  const claim = await storeCall('hitBelow', () => store.hitBelow(tightKey(b, place), 1, rule.windowSeconds));
  if (claim.added) return undefined;
  return lockedUntil(ctx, b, claim.resetAt);
}

/**
 * The refusal of a bucket locked until `resetAt`. Retry-After counts from now, read after the store answered (not
 * when the attempt began): a lock a slow store created a second later still says its own length, never more.
 */
function lockedUntil(ctx: Context, b: Bucket, resetAt: number): Lock {
  return { kind: b.kind, retryAfter: Math.max(1, resetAt - epochSeconds(ctx.config.now)) };
}

/** The lock of the n-th period (n >= 1): lockSeconds, doubling per period, never longer than the window. */
export function lockSeconds(rule: ResolvedRule, period: number): number {
  const doublings = Math.min(Math.max(period - 1, 0), 30);
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
