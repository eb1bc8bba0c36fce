// lib/throttle/client-throttle.ts
// Throttles guessing of client secrets (RFC 6749 §2.3.1: "MUST protect ... against brute force attacks"):
// per client id and IP (hard) and per client id (soft), unknown client ids per IP only.

import type { Request } from 'express';
import type { Context } from '../context';
import { storeCall } from '../stores/shared/store-call';
import type { Client } from '../types';
import { epochSeconds } from '../util/clock';
import { sha256 } from '../util/crypto';
import { bucket, ipBucket, type Bucket } from './keys';
import { recordFailure, recordSuccess, releaseAll, reserve, throttledError, type BucketPlan, type Place, type Reservation } from './limiter';
import { refreshRecords } from './throttle-store';

/** The throttle of one client authentication. */
export interface ClientThrottle {
  /** Reserves the attempt; throws 429 slow_down (and emits `throttled`) when refused. */
  guard(): Promise<void>;
  /** Failed: the reservations stay counted (a store call only to cancel an exemption it used). */
  failed(): Promise<void>;
  /** Authenticated: clears the client+IP bucket, gives back one unit of the per-client one, remembers the pair. */
  succeeded(): Promise<void>;
  /** Never judged (another error came first): gives back everything reserved. */
  abandoned(): Promise<void>;
}

const none = async (): Promise<void> => undefined;
const OFF: ClientThrottle = { guard: none, failed: none, succeeded: none, abandoned: none };

/** What this request's client authentication could be guessing. */
export interface ClientAuthAttempt {
  readonly clientId: string;
  /** The registered client, or undefined for an unknown id. */
  readonly client: Client | undefined;
  /** The presented secret is one this process already verified for this client (nothing is being guessed). */
  readonly remembered: boolean;
  /** The refresh token of a refresh grant, if this is one. */
  readonly refreshToken?: string;
}

/**
 * Keys on req.ip (the caller of /token is the client itself). Only what can be guessed is throttled:
 * - a public client has no credential, so its failures lock nothing (nobody can lock it out);
 * - a secret this process already verified is no guess, so it is never refused (a backend sharing its IP with a
 *   guesser keeps working);
 * - an unknown client id counts in one bucket per IP (the clientIp rule), never per id: an unauthenticated caller
 *   cannot make the store hold a counter per id it invents;
 * - a known client with a credential counts per client+IP (hard) and per client (soft: a pair that authenticated
 *   within `rememberSuccessSeconds` is exempt, any other IP gets one attempt per window while it is full).
 * Client ids are counted exactly, never folded like usernames: a registry that matches ids case-insensitively returns
 * its record for `WEB`, but load-client.ts keeps a record only when its id is the id presented, so any other spelling
 * is an unknown id (the per-IP bucket, never a real secret check). A client's place is thus its own account: what a
 * success clears and the marker it writes belong to the client that authenticated (limiter.ts `Place`).
 */
export function clientThrottle(ctx: Context, req: Request, attempt: ClientAuthAttempt): ClientThrottle {
  const throttle = ctx.config.throttle;
  const { client, clientId } = attempt;
  if (throttle === false || attempt.remembered || (client !== undefined && !hasCredential(client))) return OFF;
  const ip = ipBucket(req.ip);
  // An empty client id is refused before this point, so `\0ip` cannot be a registered client's pair.
  let place = own(bucket('clientIp', `${client === undefined ? '' : clientId}\0${ip}`));
  const plansAt = (p: Place): BucketPlan[] => [
    { bucket: p.counted, whenFull: 'lock', exemptIfKnown: false },
    ...(client === undefined ? [] : [{ bucket: bucket('client', clientId), whenFull: 'tighten' as const, exemptIfKnown: true }]),
  ];
  let held: Reservation | undefined;
  const settle = (run: (r: Reservation, place: Place) => Promise<unknown>) => async (): Promise<void> => {
    const r = held;
    held = undefined;
    if (r !== undefined) await run(r, place);
  };
  return {
    async guard() {
      let reserved = await reserve(ctx, throttle, plansAt(place), place);
      // A refresh grant refused by buckets others filled: a live refresh token of this client makes its grant family
      // the place instead (its own hard bucket and marker), so only holders of that 256-bit token can lock it.
      const family = reserved.lock !== undefined && client !== undefined ? await refreshFamily(ctx, client.id, attempt.refreshToken) : undefined;
      if (family !== undefined) {
        place = own(bucket('clientIp', `${clientId}\0refresh:${family}`));
        reserved = await reserve(ctx, throttle, plansAt(place), place);
      }
      if (reserved.lock === undefined) {
        held = reserved.reservation;
        return;
      }
      const lock = reserved.lock;
      ctx.emit('throttled', { clientId, ip: req.ip, key: lock.kind, retryAfter: lock.retryAfter });
      throw throttledError(lock);
    },
    failed: settle((r, p) => recordFailure(ctx, r, p)),
    // An unknown id never succeeds; for a known client the pair is remembered.
    succeeded: settle((r, p) => recordSuccess(ctx, throttle, r, p, client !== undefined)),
    abandoned: settle((r) => releaseAll(ctx, r.held)),
  };
}

/** A place that is its own account (client ids are exact). */
const own = (b: Bucket): Place => ({ counted: b, account: b });

/** The grant family of a live refresh token issued to `clientId`, or undefined (one store read, only when refused). */
async function refreshFamily(ctx: Context, clientId: string, refreshToken: string | undefined): Promise<string | undefined> {
  if (refreshToken === undefined || refreshToken === '' || refreshToken.length > 512) return undefined;
  const record = await storeCall('findRefreshToken', () => refreshRecords(ctx).findRefreshToken(sha256(refreshToken)));
  if (record === undefined || record.clientId !== clientId || record.expiresAt <= epochSeconds(ctx.config.now)) return undefined;
  return record.familyId;
}

/** A secret, a JWT secret or keys: something a caller could be guessing or forging. */
function hasCredential(client: Client): boolean {
  return client.secretHash !== undefined || client.jwtSecret !== undefined || client.jwks !== undefined || client.publicKey !== undefined;
}
