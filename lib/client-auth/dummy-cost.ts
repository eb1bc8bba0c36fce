// lib/client-auth/dummy-cost.ts
// The bcrypt cost an unknown client's dummy compare spends: that of the client secrets this instance has seen.

import type { Context } from '../context';
import { costOf } from './hash-secret';

/**
 * RFC 6819 §4.4.3.2 / no client-id enumeration: "unknown client" must take as long as "wrong secret". Secrets
 * hashed at cost 12 make a known client's compare 4x slower than a dummy at the default 10, so the dummy follows
 * the cost of the last client secret hash this instance compared against (the default until one is).
 */
export function noteSecretCost(ctx: Context, secretHash: string): void {
  ctx.secretCost = costOf(secretHash);
}

export function dummyCost(ctx: Context): number | undefined {
  return ctx.secretCost;
}
