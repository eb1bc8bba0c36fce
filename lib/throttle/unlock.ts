// lib/throttle/unlock.ts
// auth.unlock(username): lifts the locks earned against an account, per username and at every IP, never per-IP locks.

import type { Context } from '../context';
import type { ResolvedRule, ThrottleConfig } from '../options/throttle';
import type { Counter } from '../stores/shared/counter-store';
import { THROTTLE_PREFIX } from '../stores/shared/counter-kinds';
import { storeCall } from '../stores/shared/store-call';
import { bucket, failKey, levelKey, lockKey, type Bucket } from './keys';
import { counterStore } from './throttle-store';
import { usernameKey } from './username-key';

/** The username's unlock mark: expires `usernameIp.windowSeconds` after the last unlock. */
const unlockKey = (user: string): string => `${THROTTLE_PREFIX.unlocked}${bucket('username', user).name}`;

/**
 * The per-username bucket is reset at once. The (username, IP) places cannot be found by username (their keys hash
 * the IP in), so the unlock leaves a mark for the length of their window, and a place refused later is lifted then
 * (liftUnlocked). The per-IP bucket is never touched: unlocking an account must not free a credential stuffer.
 */
export async function unlockAccount(ctx: Context, username: string): Promise<void> {
  if (typeof username !== 'string' || username === '' || username.length > ctx.config.limits.username) {
    throw new TypeError(`auth.unlock: username must be a non-empty string of at most ${ctx.config.limits.username} characters`);
  }
  const { throttle } = ctx.config;
  if (throttle !== false) {
    const user = usernameKey(ctx, username);
    const shared = bucket('username', user);
    const place = throttle.rules.usernameIp;
    const store = counterStore(ctx);
    await storeCall('reset', () =>
      Promise.all([
        ...[failKey(shared), lockKey(shared), levelKey(shared)].map((key) => store.reset(key)),
        place === false ? undefined : store.hit(unlockKey(user), place.windowSeconds),
      ]),
    );
  }
  ctx.emit('account.unlocked', { username });
}

/**
 * Called only when the place `counted` (this username at this IP) refused an attempt: true, with the place's
 * failures, lock and lock level deleted, when the username was unlocked after the place's last failure. Counters
 * expire `windowSeconds` after their last hit, so the unlock mark and the failure counter, kept with the same
 * window, compare by expiry: a failure after the unlock expires later and keeps the lock. Each place is lifted once
 * per unlock. `evidence` is the
 * place's failure counter (or, for a lock under the 0.1.0 key, the lock itself, which only predates an unlock).
 */
export async function liftUnlocked(ctx: Context, throttle: ThrottleConfig, user: string, counted: Bucket, legacy = false): Promise<boolean> {
  if (throttle.rules.usernameIp === false) return false;
  const store = counterStore(ctx);
  const evidenceKey = legacy ? lockKey(counted) : failKey(counted);
  const [unlock, evidence] = await storeCall('peek', () => Promise.all([store.peek(unlockKey(user)), store.peek(evidenceKey)]));
  if (unlock === undefined || !before(evidence, unlock)) return false;
  // Counters keep whole seconds: a place locked again within the unlock's second would pass the comparison again, so
  // each place claims its lift, once per unlock (the mark's count and expiry name the unlock).
  const claim = `${THROTTLE_PREFIX.unlocked}${counted.name}:${unlock.count}:${unlock.resetAt}`;
  const { added } = await storeCall('hitBelow', () => store.hitBelow(claim, 1, (throttle.rules.usernameIp as ResolvedRule).windowSeconds));
  if (!added) return false;
  await storeCall('reset', () => Promise.all([failKey(counted), lockKey(counted), levelKey(counted)].map((key) => store.reset(key))));
  return true;
}

const before = (evidence: Counter | undefined, unlock: Counter): boolean => evidence === undefined || evidence.resetAt <= unlock.resetAt;
