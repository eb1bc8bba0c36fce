// lib/throttle/keys.ts
// Store keys of throttle buckets: folded usernames, exact accounts, IPv6 /64 prefixes, hashed to a bounded key.

import { isIPv4, isIPv6 } from 'node:net';
import { sha256 } from '../util/crypto';
import type { BucketKind } from '../options/throttle';
import { THROTTLE_PREFIX as P } from '../stores/shared/counter-kinds';

/** A bucket: which rule, and the identity it counts (username, IP, client id or a pair), hashed once. */
export interface Bucket {
  readonly kind: BucketKind;
  /** `kind:` + SHA-256 of the identity: bounded length whatever the input, and no username in the store's keys. */
  readonly name: string;
}

export function bucket(kind: BucketKind, id: string): Bucket {
  return { kind, name: `${kind}:${sha256(id)}` };
}

/**
 * The store keys of a bucket: its attempts (reserved before each check), its current lock, its lock level (how many
 * lock periods ran, so locks double per period), and for a place pair its "succeeded here recently" marker. The
 * prefixes live with the stores, which budget each kind apart (stores/counter-kinds.ts).
 */
export const failKey = (b: Bucket): string => `${P.failures}${b.name}`;
export const lockKey = (b: Bucket): string => `${P.lock}${b.name}`;
export const levelKey = (b: Bucket): string => `${P.level}${b.name}`;
export const knownKey = (b: Bucket): string => `${P.known}${b.name}`;
/** How many accounts (spellings) have a marker at a place (limiter.ts `recordSuccess` bounds them). */
export const knownCountKey = (place: Bucket): string => `${P.knownCount}${place.name}`;

/** The one attempt a place (username+IP or client+IP) gets while a per-username or per-client bucket is full. */
export const tightKey = (b: Bucket, place: Bucket): string => `${P.tight}${b.name}:${place.name}`;

/**
 * The account an attempt names at an IP: the exact spelling typed, never folded (an app's lookup maps one string to
 * one account). What a success gives back and the "succeeded here" marker belong to it, not to the folded name, so
 * logging into one's own `ALICE` (another account where names are case-sensitive) neither clears the failures of
 * guesses at `alice` nor exempts them. Its failure counter is a tally of this spelling's attempts at the place,
 * reserved with the place's own and kept only when they fail (limiter.ts `tallyRequest`).
 */
export function accountBucket(username: string, ip: string): Bucket {
  return { kind: 'usernameIp', name: `account:${sha256(`${username}\0${ip}`)}` };
}

/** Letters that accent-insensitive collations compare as a base letter (or two) but that NFKD leaves whole. */
const BASE_LETTERS: Readonly<Record<string, string>> = { æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', ħ: 'h', ŧ: 't' };

/** Compatibility forms decomposed, then combining marks and default-ignorable characters (soft hyphen, ZWSP) dropped. */
const bare = (s: string): string => s.normalize('NFKD').replace(/[\p{M}\p{Default_Ignorable_Code_Point}]/gu, '');

/**
 * The default key of a username: one string for every spelling that a case- and accent-insensitive user table
 * (MySQL 8's utf8mb4_0900_ai_ci, MariaDB's uca1400_ai_ci, ICU at primary strength) treats as one account, so `àlice`,
 * `ÀLÎÇË`, `ａｌｉｃｅ`, `al\u00ADice` and ` Alice ` all count as `alice`. NFKD, marks and ignorables dropped, full
 * case folding (lower, upper, lower: `ß` and `ẞ` become `ss`; again bare, since case mapping can add marks), the
 * letters above, whitespace runs collapsed and trimmed, then NFC (Hangul recomposed). Folding further than the app's
 * table only merges buckets, which is stricter; folding less would let a spelling escape them. Apps with another
 * rule (a tenant prefix, dots ignored) pass `options.canonicalUsername`. Linear in the input: every pattern here is a
 * single character class.
 */
export function foldUsername(username: string): string {
  const folded = bare(bare(username).toLowerCase().toUpperCase().toLowerCase());
  return folded
    .replace(/[æœøđðłħŧ]/gu, (c) => BASE_LETTERS[c])
    .replace(/\s+/gu, ' ')
    .trim()
    .normalize('NFC');
}

/**
 * How 0.1.0 keyed usernames (NFKC, trimmed, lower case). Read only to honour a lock written under it
 * that the new key does not share (login-throttle.ts); nothing is counted under it any more.
 */
export function legacyUsernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/**
 * The address a bucket counts: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 prefix, since one
 * subscriber usually holds a whole /64 and could otherwise rotate through 2^64 buckets.
 */
export function ipBucket(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(ip)) return ip;
  const bare = ip.split('%', 1)[0];
  if (!isIPv6(bare)) return ip.slice(0, 64);
  return expandIPv6(bare).slice(0, 4).join(':') + '::/64';
}

function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; only the first four groups matter here anyway.
  const width = (parts: string[]): number => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const zeros = tail === undefined ? [] : new Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0');
  return [...left, ...zeros, ...right].map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '').toLowerCase()));
}
