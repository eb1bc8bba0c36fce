// lib/throttle/client-throttle.ts
// Throttles guessing of client secrets (RFC 6749 §2.3.1: "MUST protect ... against brute force attacks"),
// per client id and IP (hard) and per client id (soft), the same way logins are.

import type { Request } from 'express';
import type { Context } from '../context';
import { storeCall } from '../grants/store-call';
import { bucket, failKey, ipBucket, type Bucket } from './keys';
import { findLock, recordFailure, recordSuccess, throttledError } from './limiter';

/** The throttle of one client authentication. */
export interface ClientThrottle {
  guard(): Promise<void>;
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

const OFF: ClientThrottle = { guard: async () => undefined, failed: async () => undefined, succeeded: async () => undefined };

/**
 * Keys on req.ip (the caller of /token is the client itself). A success costs a store write only when the client
 * has failures counted, so the common path stays at one round trip.
 */
export function clientThrottle(ctx: Context, req: Request, clientId: string): ClientThrottle {
  const throttle = ctx.config.throttle;
  if (throttle === false) return OFF;
  const ip = ipBucket(req.ip);
  const pair = bucket('clientIp', `${clientId}\0${ip}`);
  const buckets: Bucket[] = [pair, bucket('client', clientId)];
  return {
    async guard() {
      const lock = await findLock(ctx, throttle, buckets, ['client'], pair);
      if (lock === undefined) return;
      ctx.emit('throttled', { clientId, ip: req.ip, key: lock.kind, retryAfter: lock.retryAfter });
      throw throttledError(lock);
    },
    failed: () => recordFailure(ctx, throttle, buckets),
    async succeeded() {
      const { store } = ctx.config;
      const counted = await storeCall('peek', () => Promise.all(buckets.map((b) => store.peek(failKey(b)))));
      if (counted.some((c) => c !== undefined)) await recordSuccess(ctx, throttle, [pair], pair);
    },
  };
}
