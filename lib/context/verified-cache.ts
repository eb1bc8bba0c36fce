// lib/context/verified-cache.ts
// A bounded cache of access tokens whose signature and claims already verified; entries die at `exp` and on revocation.

import type { Revocation, RevocationStore } from '../stores/shared/revocation-store';

/** What a cache hit gives back: the verified claims, frozen, and what the revocation check needs. */
export interface VerifiedToken {
  /** The exact token that verified; a hit requires equality with it, not just with the Map key. */
  readonly token: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** `sub`, `client_id`, `aud` and `cnf.jkt` of the claims, read once: a hit then touches this object only. */
  readonly sub: string;
  readonly clientId: string;
  readonly aud: unknown;
  readonly jkt: string | undefined;
  readonly scope: readonly string[];
  readonly jti: string;
  readonly sid: string | undefined;
  /** `exp` in milliseconds: the entry is dead from this instant on (stricter than the clock tolerance). */
  readonly expiresAtMs: number;
  /** When the store last said "not revoked", in milliseconds (see REVALIDATE_MS). */
  checkedAtMs: number;
  /** Set by a hit, cleared when eviction passes over the entry (second chance). */
  used?: boolean;
}

/**
 * Even with a revocation broadcast, a cached token is re-checked against the store once this long after its last
 * check: a broadcast lost in transit (a pub/sub message published while the subscriber was reconnecting) then
 * delays a revocation by at most this much, instead of until the token's `exp`.
 */
export const REVALIDATE_MS = 30_000;

/**
 * The Map key is the token's last 43 characters (its signature's tail: 256 bits, unforgeable, unique among the tokens
 * this server issued) because hashing the whole ~800-character token on every request costs more than the rest of a
 * hit; a hit then also requires the full token to be equal to the one that verified, so a hit means "these exact
 * bytes were verified", and nothing about the token is re-parsed. Only tokens that verified are ever stored, so a
 * crafted token sharing a tail can at worst miss.
 * When the store broadcasts revocations (`RevocationStore.onRevocation`), `revocationAware` is true: a revoked
 * jti or family drops its entries at once and `listener(undefined)` flushes everything, so a hit needs no store
 * read (except one per token every REVALIDATE_MS). Otherwise the caller must still ask the store on every hit.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();
  /** Bumped by every revocation; a verification that straddles one is not cached (its store read may be stale). */
  private revocations = 0;
  readonly revocationAware: boolean;

  constructor(
    readonly max: number,
    store: RevocationStore,
  ) {
    this.revocationAware = max > 0 && typeof store.onRevocation === 'function';
    if (this.revocationAware) subscribe(this, store);
  }

  /** Number of cached tokens (never above `max`). */
  get size(): number {
    return this.entries.size;
  }

  /** A stamp to take before the store's revocation read, and to hand back to `set`. */
  get epoch(): number {
    return this.revocations;
  }

  /** True when a hit must still ask the store: no broadcast to rely on, or the last check is REVALIDATE_MS old. */
  needsStoreCheck(entry: VerifiedToken, nowMs: number): boolean {
    return !this.revocationAware || nowMs - entry.checkedAtMs >= REVALIDATE_MS;
  }

  /** The live entry for `token`, marked as used; undefined when absent or expired. */
  get(token: string, nowMs: number): VerifiedToken | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    // A flag, not a move to the Map's end: a hit then costs one lookup and no Map churn.
    entry.used = true;
    return entry;
  }

  /**
   * Remembers a verified token, unless a revocation arrived since `epoch` was read. When full, evicts in insertion
   * order but gives an entry used since it was (re)inserted a second chance at the end (CLOCK, an LRU approximation).
   */
  set(entry: VerifiedToken, epoch: number): void {
    if (this.max <= 0 || epoch !== this.revocations) return;
    const key = keyOf(entry.token);
    this.entries.delete(key);
    // Each pass clears a flag, so this ends within max + 1 steps.
    while (this.entries.size >= this.max) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      const [oldKey, oldEntry] = oldest;
      this.entries.delete(oldKey);
      if (oldEntry.used === true) {
        oldEntry.used = false;
        this.entries.set(oldKey, oldEntry);
      }
    }
    this.entries.set(key, entry);
  }

  /** Applies a revocation: drops the tokens it names, or every token when `revocation` is undefined. */
  revoke(revocation: Revocation | undefined): void {
    this.revocations += 1;
    if (revocation === undefined) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) {
      const id = revocation.kind === 'jti' ? entry.jti : entry.sid;
      if (id === revocation.id) this.entries.delete(key);
    }
  }
}

const KEY_LENGTH = 43;

function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;
}

/**
 * The store holds only a WeakRef to the cache, so a discarded `passwordGrant()` instance does not stay alive through
 * a long-lived shared store; its listener unsubscribes itself on the next revocation.
 */
function subscribe(cache: VerifiedTokenCache, store: RevocationStore): void {
  const ref = new WeakRef(cache);
  const unsubscribe = store.onRevocation!((revocation) => {
    const target = ref.deref();
    if (target === undefined) unsubscribe();
    else target.revoke(revocation);
  });
}

/** Freezes a verified payload (and what it contains) so one cached object can safely back many requests. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
