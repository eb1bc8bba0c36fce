// lib/options/throttle.ts
// Public ThrottleOptions -> resolved ThrottleConfig: the buckets failed logins and client authentications fill.

import { assertKnownKeys, assertPositiveInteger, fail, isObject } from '../util/assert';

/**
 * One bucket's rule: at most `max` attempts within `windowSeconds` (counted from the last attempt it counted), each
 * reserved before the credential is checked and given back when it succeeds. A full hard bucket is locked for
 * `lockSeconds`, then lets one attempt through per lock period, the lock doubling per period, capped at
 * `windowSeconds`; a full soft bucket gives each place one attempt per `windowSeconds` (docs/security.md).
 * @example { max: 5, windowSeconds: 900, lockSeconds: 30 }
 */
export interface ThrottleRule {
  readonly max?: number;
  readonly windowSeconds?: number;
  readonly lockSeconds?: number;
}

/**
 * Brute-force and credential-stuffing protection. Every bucket may be tuned or turned off with `false`;
 * `throttle: false` turns all of it off.
 * @example passwordGrant({ ..., throttle: { username: { max: 50 }, ip: false } })
 */
export interface ThrottleOptions {
  /** Login attempts per username and IP (hard). Default `{ max: 5, windowSeconds: 900, lockSeconds: 30 }`. */
  readonly usernameIp?: ThrottleRule | false;
  /**
   * Login attempts per username from any IP (soft, against distributed guessing). Once full, an IP from which this
   * username logged in within `rememberSuccessSeconds` is unaffected and any other IP gets one attempt per window.
   * Default `{ max: 20, windowSeconds: 3600, lockSeconds: 60 }` (`lockSeconds` unused).
   */
  readonly username?: ThrottleRule | false;
  /**
   * Login attempts per IP, any username (credential stuffing). Once full the IP is locked, except for usernames that
   * logged in from it within `rememberSuccessSeconds`. Default `{ max: 100, windowSeconds: 3600, lockSeconds: 60 }`.
   */
  readonly ip?: ThrottleRule | false;
  /**
   * Client authentications per client id and IP (hard), and of unknown client ids per IP (one bucket per IP).
   * Public clients are never counted. Default `{ max: 10, windowSeconds: 900, lockSeconds: 30 }`.
   */
  readonly clientIp?: ThrottleRule | false;
  /**
   * Client authentications per client id from any IP (soft). Once full, an IP from which the client authenticated
   * within `rememberSuccessSeconds` is unaffected and any other IP gets one attempt per window.
   * Default `{ max: 50, windowSeconds: 3600, lockSeconds: 60 }` (`lockSeconds` unused).
   */
  readonly client?: ThrottleRule | false;
  /** How long a successful (username, IP) or (client, IP) pair is exempt from the soft buckets and the ip bucket. Default 30 days; 0 = never. */
  readonly rememberSuccessSeconds?: number;
}

/** The buckets: hard ones (usernameIp, clientIp), ip (hard except for known pairs), soft ones (username, client). */
export type BucketKind = 'usernameIp' | 'username' | 'ip' | 'clientIp' | 'client';

export interface ResolvedRule {
  readonly max: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

export interface ThrottleConfig {
  readonly rules: Readonly<Record<BucketKind, ResolvedRule | false>>;
  readonly rememberSuccessSeconds: number;
}

/** The defaults of each bucket (docs/security.md explains the numbers). */
export const DEFAULT_RULES: Readonly<Record<BucketKind, ResolvedRule>> = {
  usernameIp: { max: 5, windowSeconds: 900, lockSeconds: 30 },
  username: { max: 20, windowSeconds: 3600, lockSeconds: 60 },
  ip: { max: 100, windowSeconds: 3600, lockSeconds: 60 },
  clientIp: { max: 10, windowSeconds: 900, lockSeconds: 30 },
  client: { max: 50, windowSeconds: 3600, lockSeconds: 60 },
};

const THIRTY_DAYS = 30 * 24 * 3600;

/** Resolves `options.throttle`; undefined means the defaults, false means off. */
export function resolveThrottle(value: unknown): ThrottleConfig | false {
  if (value === false) return false;
  if (value === undefined) return { rules: DEFAULT_RULES, rememberSuccessSeconds: THIRTY_DAYS };
  if (!isObject(value)) fail('options.throttle', 'an object or false');
  assertKnownKeys(value, [...Object.keys(DEFAULT_RULES), 'rememberSuccessSeconds'], 'options.throttle');
  const rules = { ...DEFAULT_RULES } as Record<BucketKind, ResolvedRule | false>;
  let rememberSuccessSeconds = THIRTY_DAYS;
  for (const [key, option] of Object.entries(value)) {
    if (option === undefined) continue;
    if (key === 'rememberSuccessSeconds') {
      if (typeof option !== 'number' || !Number.isSafeInteger(option) || option < 0) {
        fail('options.throttle.rememberSuccessSeconds', 'a non-negative integer');
      }
      rememberSuccessSeconds = option;
    } else {
      rules[key as BucketKind] = resolveRule(option, DEFAULT_RULES[key as BucketKind], `options.throttle.${key}`);
    }
  }
  return { rules, rememberSuccessSeconds };
}

function resolveRule(value: unknown, defaults: ResolvedRule, path: string): ResolvedRule | false {
  if (value === false) return false;
  if (!isObject(value)) fail(path, 'an object or false');
  assertKnownKeys(value, Object.keys(defaults), path);
  const rule: Record<string, number> = { ...defaults };
  for (const [key, n] of Object.entries(value)) {
    if (n === undefined) continue;
    assertPositiveInteger(n, `${path}.${key}`);
    rule[key] = n;
  }
  // The failure counter must outlive the longest lock, or delays could not keep growing.
  if (rule.lockSeconds > rule.windowSeconds) fail(`${path}.lockSeconds`, `at most ${path}.windowSeconds`);
  return rule as unknown as ResolvedRule;
}
