// lib/stores/memory/marker-set.ts
// Replay markers in budgets per kind: full of live ones, a budget forgets the marker that expires first and from
// then on refuses to vouch for any claim that would expire no later, so forgetting never reopens a replay.

import { StoreFullError } from '../shared/store-full-error';

/** What a claim found: a new key, a live marker, or a key it cannot judge (it may be a forgotten marker's). */
export type ClaimOutcome = 'first' | 'seen' | 'unknown';

/**
 * Two presentations of one credential are claimed with expiries this close: callers pass the time left until the
 * credential's own end of acceptance, rounded up to whole seconds (Redis `EX` takes nothing finer), so the absolute
 * expiry moves by less than a second between them; one more second covers clocks read at different granularities.
 */
const SLACK_MS = 2000;

/**
 * Markers (key -> expiry in ms) plus a binary min-heap of expiries, so the marker that expires first is found in
 * O(log n). Expired markers are dropped before anything else. When `max` live markers remain, the one that expires
 * first is forgotten and `floor` rises to its expiry; from then on a claim that would expire before `floor + SLACK_MS`
 * is `unknown`, never `first`. That is safe for callers that claim every presentation of a credential with the same
 * absolute expiry (the end of its acceptance window: DPoP proofs, client assertions): a replay of a forgotten one
 * expires no later than `floor` and so is refused, while a fresh credential expires later and is remembered as usual.
 * A flood therefore narrows the window in which credentials are accepted (to about `max` claims' worth of time)
 * instead of reopening a replay, and the floor stops mattering once it is in the past.
 */
export class MarkerSet {
  private readonly expiries = new Map<string, number>();
  private readonly heapExpiry: number[] = [];
  private readonly heapKey: string[] = [];
  /** The latest expiry of a live marker forgotten to make room, in ms. */
  private floor = Number.NEGATIVE_INFINITY;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.expiries.size;
  }

  claim(key: string, expiresAt: number, now: number): ClaimOutcome {
    const current = this.expiries.get(key);
    if (current !== undefined && current > now) return 'seen';
    if (expiresAt <= now) return 'first'; // nothing to remember
    if (expiresAt < this.floor + SLACK_MS) return 'unknown';
    this.sweep(now);
    if (this.expiries.size >= this.max) this.forgetFirst();
    this.expiries.set(key, expiresAt);
    this.push(expiresAt, key);
    return 'first';
  }

  /** Drops every expired marker (they are the top of the heap); the floor stays. */
  sweep(now: number): void {
    while (this.heapExpiry.length > 0 && this.heapExpiry[0] <= now) this.popTop();
  }

  /** True when dropping this set loses nothing: no live marker, and a floor that can no longer refuse a claim. */
  idle(now: number): boolean {
    return this.expiries.size === 0 && this.floor + SLACK_MS <= now;
  }

  private forgetFirst(): void {
    const expiry = this.heapExpiry[0];
    this.popTop();
    if (expiry > this.floor) this.floor = expiry;
  }

  private popTop(): void {
    const key = this.heapKey[0];
    if (this.expiries.get(key) === this.heapExpiry[0]) this.expiries.delete(key);
    const lastExpiry = this.heapExpiry.pop() as number;
    const lastKey = this.heapKey.pop() as string;
    if (this.heapExpiry.length === 0) return;
    let i = 0;
    const n = this.heapExpiry.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const child = left + 1 < n && this.heapExpiry[left + 1] < this.heapExpiry[left] ? left + 1 : left;
      if (this.heapExpiry[child] >= lastExpiry) break;
      this.heapExpiry[i] = this.heapExpiry[child];
      this.heapKey[i] = this.heapKey[child];
      i = child;
    }
    this.heapExpiry[i] = lastExpiry;
    this.heapKey[i] = lastKey;
  }

  private push(expiry: number, key: string): void {
    let i = this.heapExpiry.length;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heapExpiry[parent] <= expiry) break;
      this.heapExpiry[i] = this.heapExpiry[parent];
      this.heapKey[i] = this.heapKey[parent];
      i = parent;
    }
    this.heapExpiry[i] = expiry;
    this.heapKey[i] = key;
  }
}

/** Families of replay markers with budgets of their own; keys of any further family share one more. */
const MAX_KINDS = 16;
/** The shared kind: no prefix contains a colon, so it cannot collide with one. */
const OTHER_KIND = ':';

/**
 * A MarkerSet of `max` markers per kind, the kind being the key's prefix up to its first colon (`dpop`,
 * `client_assertion/<client>`): a flood of one kind never makes another forget a marker or refuse a claim. The
 * family is the kind up to its first `/`: at most MAX_KINDS - 1 families get kinds of their own, each with as many
 * kinds as its keys name (client assertions: one per client whose assertion verified, so one client's flood never
 * refuses another's assertions). A kind is created on its first claim and dropped by `sweep` once it is idle.
 */
export class ReplayMarkers {
  private readonly kinds = new Map<string, MarkerSet>();
  private readonly families = new Set<string>();

  constructor(private readonly max: number) {}

  get size(): number {
    let size = 0;
    for (const set of this.kinds.values()) size += set.size;
    return size;
  }

  sweep(now: number): void {
    for (const [kind, set] of this.kinds) {
      set.sweep(now);
      if (set.idle(now)) this.kinds.delete(kind);
    }
  }

  /** True the first time, false for a live marker; throws StoreFullError when the key's kind cannot tell. */
  claim(key: string, expiresAt: number, now: number): boolean {
    const outcome = this.kindOf(key).claim(key, expiresAt, now);
    if (outcome === 'unknown') {
      throw new StoreFullError('MemoryStore: replay markers of this kind are full; cannot tell whether the key was claimed before');
    }
    return outcome === 'first';
  }

  private kindOf(key: string): MarkerSet {
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? '' : key.slice(0, colon);
    const slash = prefix.indexOf('/');
    const family = slash < 0 ? prefix : prefix.slice(0, slash);
    if (!this.families.has(family) && this.families.size < MAX_KINDS - 1) this.families.add(family);
    const kind = this.families.has(family) ? prefix : OTHER_KIND;
    let set = this.kinds.get(kind);
    if (set === undefined) this.kinds.set(kind, (set = new MarkerSet(this.max)));
    return set;
  }
}
