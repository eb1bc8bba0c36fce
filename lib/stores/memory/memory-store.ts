// lib/stores/memory/memory-store.ts
// The single-process TokenStore: Maps of expiring entries, swept by one unref'd timer; values copied as strings.

import { assertFunction, assertKnownKeys, assertPositiveInteger, fail, isObject } from '../../util/assert';
import { ReplayMarkers } from './marker-set';
import { MemoryCounters } from './memory-counters';
import { MemoryRefreshTokens } from './memory-refresh-tokens';
import { changeEach, hitBelowEach, type CappedHitRequest, type CounterBatch, type CounterBatchStore, type CounterChange } from '../shared/counter-batch-store';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, SessionDetails, TokenStore } from '../shared/store';
import { sessionListBounds } from '../shared/session-list';
import type { ListSessionsOptions, SaveSessionOptions, SessionRecord, SessionStore } from '../shared/session-store';
import { MemorySessions } from './memory-sessions';

interface Entry {
  value: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** How often expired entries are swept, in ms. Default 60000. */
  readonly sweepIntervalMs?: number;
  /** Clock in ms, for tests. Default: `Date.now()`, read at every call (so fake timers that replace Date apply). */
  readonly now?: () => number;
  /**
   * Hard cap on throttle counters (`hit`, `hitBelow`), per budget: what keeps something shut (locks, lock levels, full
   * failure counters), remembered successes, and all other counters are capped apart, so a flood of failures never
   * pushes out a lock or a user's "succeeded here" mark. When a budget is full, the least recently written half of it
   * is dropped (one written within the last `maxEntries / 2` writes is never dropped). At least 2; default 100000
   * (about 16 MB of heap per full budget; bench/RESULTS.md).
   */
  readonly maxEntries?: number;
  /**
   * Hard cap on replay markers (`claimOnce`), per kind (the key up to its first `:`: DPoP proofs apart from client
   * assertions, and each client's assertions apart from another's). A live marker is never silently forgotten: when a kind is full, the marker that expires first
   * is, and every later claim that would expire no later is refused with `StoreFullError` (the library then asks for
   * a fresh proof or assertion) instead of risking a replay. A kind holds `maxMarkers` per acceptance window: with the
   * defaults a DPoP proof is remembered about 66 s (`dpop.proofMaxAge` + `clockTolerance` + 1), so 100000 markers keep
   * up with about 1500 proofs a second before a flood starts to narrow the window. At least 1; default 100000.
   */
  readonly maxMarkers?: number;
}

/** The longest delay Node's timers accept (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const FAMILY = 'fam:';
const JTI = 'jti:';
const VALUE = 'kv:';
const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_MAX_MARKERS = 100_000;

/**
 * Keeps everything in this process's memory. Right for one process and for tests; with several instances each
 * would disagree, so use `RedisStore` there. Entries expire on read and are swept by a single timer (no timer per
 * entry). Refresh tokens, the bulk of the data, live outside the V8 heap as compact strings (compact-record.ts,
 * record-table.ts): about 300 bytes each (50 more for a rotated one's link to the token it replaced, by which ending
 * a session deletes its whole family), and nothing for the garbage collector to mark however many there are.
 * Counters and replay markers, which anyone can make it create, are capped per kind (`maxEntries`, `maxMarkers`).
 * @example passwordGrant({ ..., store: new MemoryStore() })
 */
export class MemoryStore implements TokenStore, SessionStore, CounterBatchStore {
  /** Revocation marks and one-shot values: never evicted. */
  private readonly entries = new Map<string, Entry>();
  /** Throttle counters, capped per budget (memory-counters.ts). */
  private readonly counters: MemoryCounters;
  /** Replay markers, capped per kind (marker-set.ts). */
  private readonly markers: ReplayMarkers;
  /** Refresh tokens by id, kept off the V8 heap, each family a chain (memory-refresh-tokens.ts). */
  private readonly refreshTokens = new MemoryRefreshTokens({
    now: () => this.now(),
    isRevoked: (familyId) => this.get(FAMILY + familyId) !== undefined,
  });
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(revocation: Revocation | undefined) => void>();
  private readonly sessions = new MemorySessions({
    now: () => this.now(),
    isRevoked: (familyId) => this.get(FAMILY + familyId) !== undefined,
    revoke: (familyId, untilMs, refreshTokenId) => {
      this.mark(FAMILY + familyId, untilMs);
      if (refreshTokenId !== undefined) this.refreshTokens.deleteFamily(refreshTokenId);
      this.broadcast({ kind: 'family', id: familyId });
    },
  });

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: MemoryStoreOptions = {}) {
    if (!isObject(options)) fail('MemoryStore: options', 'an object');
    assertKnownKeys(options, ['sweepIntervalMs', 'now', 'maxEntries', 'maxMarkers'], 'MemoryStore: options');
    const { sweepIntervalMs = 60_000, now, maxEntries = DEFAULT_MAX_ENTRIES, maxMarkers = DEFAULT_MAX_MARKERS } = options;
    // Node runs a timer with a non-numeric or out-of-range delay every millisecond: refuse it instead.
    assertPositiveInteger(sweepIntervalMs, 'MemoryStore: options.sweepIntervalMs');
    if (sweepIntervalMs > MAX_TIMER_MS) fail('MemoryStore: options.sweepIntervalMs', `at most ${MAX_TIMER_MS}`);
    if (now !== undefined) assertFunction(now, 'MemoryStore: options.now');
    if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 2) fail('MemoryStore: options.maxEntries', 'an integer >= 2');
    if (typeof maxMarkers !== 'number' || !Number.isSafeInteger(maxMarkers) || maxMarkers < 1) fail('MemoryStore: options.maxMarkers', 'an integer >= 1');
    // Not `Date.now` captured as a value: fake timers (jest, sinon) install a new Date after construction.
    this.now = (now as (() => number) | undefined) ?? (() => Date.now());
    this.counters = new MemoryCounters(maxEntries, this.now);
    this.markers = new ReplayMarkers(maxMarkers);
    this.timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.timer.unref();
  }

  /** Number of live entries (for tests and memory measurements). */
  get size(): number {
    return this.entries.size + this.counters.size + this.markers.size + this.refreshTokens.size + this.sessions.size;
  }

  /** Drops every expired entry. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    this.counters.sweep(now);
    this.markers.sweep(now);
    this.refreshTokens.sweep(now);
    this.sessions.sweep(now);
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    this.refreshTokens.save(record);
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    return this.refreshTokens.find(id);
  }

  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number, details?: SessionDetails): Promise<RotateResult> {
    // Synchronous from here to the end: nothing can interleave, which is what makes it atomic.
    const result = this.refreshTokens.rotate(previousId, next, now);
    if (result.outcome === 'rotated') this.sessions.touch(result.previous.familyId, now, next.id, details);
    return result;
  }

  async revokeFamily(familyId: string, ttlSeconds: number): Promise<void> {
    this.mark(FAMILY + familyId, this.now() + ttlSeconds * 1000);
    this.broadcast({ kind: 'family', id: familyId });
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    this.mark(JTI + jti, expiresAt * 1000);
    this.broadcast({ kind: 'jti', id: jti });
  }

  onRevocation(listener: (revocation: Revocation | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async isAccessTokenRevoked(jti: string, familyId: string | undefined): Promise<boolean> {
    return this.get(JTI + jti) !== undefined || (familyId !== undefined && this.get(FAMILY + familyId) !== undefined);
  }

  async hit(key: string, windowSeconds: number): Promise<Counter> {
    return this.counters.hit(key, windowSeconds);
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    return this.counters.hitBelow(key, max, windowSeconds);
  }

  async release(key: string): Promise<void> {
    this.counters.release(key);
  }

  async peek(key: string): Promise<Counter | undefined> {
    return this.counters.peek(key);
  }

  async reset(key: string): Promise<void> {
    this.counters.reset(key);
  }

  /** The single-key calls above, through `this` (a subclass that overrides one sees every call). */
  hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
    return hitBelowEach(this, hits, peeks);
  }

  changeMany(changes: readonly CounterChange[]): Promise<void> {
    return changeEach(this, changes);
  }

  /** Rejects with StoreFullError when its kind forgot live markers that expire as late as this one would. */
  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    return this.markers.claim(key, now + ttlSeconds * 1000, now);
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.set(VALUE + key, value, this.now() + ttlSeconds * 1000);
  }

  async take(key: string): Promise<string | undefined> {
    const value = this.get(VALUE + key);
    this.entries.delete(VALUE + key);
    return value;
  }

  async saveSession(session: SessionRecord, options: SaveSessionOptions): Promise<void> {
    // Synchronous: the session, its first token and the cap are one step.
    if (options.refreshToken !== undefined) this.refreshTokens.save(options.refreshToken);
    this.sessions.save(session, options.maxPerUser);
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessions.find(id);
  }

  async listSessions(sub: string, options: ListSessionsOptions = {}): Promise<SessionRecord[]> {
    const { before, limit } = sessionListBounds(options);
    return this.sessions.list(sub, before, limit);
  }

  async endSession(id: string): Promise<boolean> {
    return this.sessions.end(id);
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private broadcast(revocation: Revocation): void {
    for (const listener of this.listeners) listener(revocation);
  }

  /** A revocation mark only ever lasts longer: a second, shorter revocation must not un-revoke early. */
  private mark(key: string, expiresAtMs: number): void {
    this.set(key, '1', Math.max(this.live(key, this.now())?.expiresAt ?? 0, expiresAtMs));
  }

  private set(key: string, value: string, expiresAtMs: number): void {
    if (expiresAtMs <= this.now()) this.entries.delete(key);
    else this.entries.set(key, { value, expiresAt: expiresAtMs });
  }

  private get(key: string): string | undefined {
    return this.live(key, this.now())?.value;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
