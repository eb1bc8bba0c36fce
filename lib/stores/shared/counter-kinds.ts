// lib/stores/shared/counter-kinds.ts
// The key prefixes of the throttle's counters, and which MemoryStore budget each kind lives in (so a flood of one
// kind never evicts another).

/** Prefixes of the throttle's store keys (lib/throttle/keys.ts builds the keys from them). */
export const THROTTLE_PREFIX = {
  /** A bucket's attempts, reserved before each check. */
  failures: 'thr:f:',
  /** A bucket's current lock. */
  lock: 'thr:l:',
  /** How many lock periods a bucket ran (locks double per period). */
  level: 'thr:n:',
  /** "Succeeded here recently": exempts a place from the shared buckets. */
  known: 'thr:k:',
  /** How many spellings of one username have a "succeeded here" marker at one IP (bounds the markers per place). */
  knownCount: 'thr:kc:',
  /** The one attempt a place gets while a soft bucket is full. */
  tight: 'thr:t:',
  /** `auth.unlock`: a username's unlock, and each place's claim of the one lift it gives (throttle/unlock.ts). */
  unlocked: 'thr:u:',
} as const;

/**
 * MemoryStore's counter budgets. A flood can only push out counters of the budget it writes to:
 * - `closing`: what keeps something shut: locks, lock levels, and a failure counter once it is full (a full counter
 *   is what refuses the next attempt; forgetting it would hand its guesser a fresh budget). Filled only by attempts
 *   that reach a bucket's `max`. Unlocks and their claims too (a forgotten claim would lift a lock twice).
 * - `known`: remembered successes and their count per place, written only after a credential checked out. Failures cannot push them out, so a
 *   flood cannot take a user's exemption from the shared buckets away.
 * - `open`: everything else: failure counters below their max, tight claims, keys that are not the throttle's.
 */
export type CounterBudget = 'closing' | 'known' | 'open';

/** The budget of counter `key`; `full` says whether it reached the `max` of a `hitBelow` call. */
export function counterBudget(key: string, full: boolean): CounterBudget {
  if (key.startsWith(THROTTLE_PREFIX.lock) || key.startsWith(THROTTLE_PREFIX.level) || key.startsWith(THROTTLE_PREFIX.unlocked)) return 'closing';
  if (key.startsWith(THROTTLE_PREFIX.known) || key.startsWith(THROTTLE_PREFIX.knownCount)) return 'known';
  return full && key.startsWith(THROTTLE_PREFIX.failures) ? 'closing' : 'open';
}
