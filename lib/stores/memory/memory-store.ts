// lib/stores/memory/memory-store.ts
// The single-process TokenStore: Maps of expiring entries, swept by one unref'd timer; values copied as strings.

import { assertFunction, assertKnownKeys, assertPositiveInteger, fail, isObject } from '../../util/assert';
import { BoundedMap } from './bounded-map';
import { decodeRecord, encodeRecord, expiresAtOf } from '../shared/compact-record';
import { RecordTable } from './record-table';
import type { CappedHit, Counter, RefreshTokenRecord, Revocation, RotateResult, TokenStore } from '../shared/store';
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
   * Hard cap on throttle counters plus replay markers (`hit`, `hitBelow`, `claimOnce`), the state anyone can make
   * the store create without credentials. When full, the least recently written half of them is dropped (one written
   * within the last `maxEntries / 2` writes is never dropped). Refresh tokens, revocation marks and one-shot values
   * are never evicted. At least 2; default 100000 (about 20 MB of heap at most; bench/RESULTS.md).
   */
  readonly maxEntries?: number;
}

/** The longest delay Node's timers accept (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const FAMILY = 'fam:';
const JTI = 'jti:';
const COUNTER = 'ctr:';
const ONCE = 'once:';
const VALUE = 'kv:';
const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Keeps everything in this process's memory. Right for one process and for tests; with several instances each
 * would disagree, so use `RedisStore` there. Entries expire on read and are swept by a single timer (no timer per
 * entry). Refresh tokens, the bulk of the data, live outside the V8 heap as compact strings (compact-record.ts,
 * record-table.ts): about 300 bytes each, and nothing for the garbage collector to mark however many there are.
 * @example passwordGrant({ ..., store: new MemoryStore() })
 */
export class MemoryStore implements TokenStore, SessionStore {
  private readonly entries = new Map<string, Entry>();
  /** Counters and replay markers, capped at `maxEntries`. */
  private readonly bounded: BoundedMap<Entry>;
  /** Refresh tokens by id: `encodeRecord()` strings (whose prefix is the expiry), kept off the V8 heap. */
  private readonly refreshTokens = new RecordTable();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(revocation: Revocation | undefined) => void>();
  private readonly sessions = new MemorySessions({
    now: () => this.now(),
    isRevoked: (familyId) => this.get(FAMILY + familyId) !== undefined,
    revoke: (familyId, untilMs, refreshTokenId) => {
      this.mark(FAMILY + familyId, untilMs);
      if (refreshTokenId !== undefined) this.refreshTokens.delete(refreshTokenId);
      this.broadcast({ kind: 'family', id: familyId });
    },
  });

  /** Checks its options like passwordGrant() does: a wrong one is a ConfigError (a TypeError) with a code. */
  constructor(options: MemoryStoreOptions = {}) {
    if (!isObject(options)) fail('MemoryStore: options', 'an object');
    assertKnownKeys(options, ['sweepIntervalMs', 'now', 'maxEntries'], 'MemoryStore: options');
    const { sweepIntervalMs = 60_000, now, maxEntries = DEFAULT_MAX_ENTRIES } = options;
    // Node runs a timer with a non-numeric or out-of-range delay every millisecond: refuse it instead.
    assertPositiveInteger(sweepIntervalMs, 'MemoryStore: options.sweepIntervalMs');
    if (sweepIntervalMs > MAX_TIMER_MS) fail('MemoryStore: options.sweepIntervalMs', `at most ${MAX_TIMER_MS}`);
    if (now !== undefined) assertFunction(now, 'MemoryStore: options.now');
    if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 2) fail('MemoryStore: options.maxEntries', 'an integer >= 2');
    // Not `Date.now` captured as a value: fake timers (jest, sinon) install a new Date after construction.
    this.now = (now as (() => number) | undefined) ?? (() => Date.now());
    this.bounded = new BoundedMap(maxEntries);
    this.timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.timer.unref();
  }

  /** Number of live entries (for tests and memory measurements). */
  get size(): number {
    return this.entries.size + this.bounded.size + this.refreshTokens.size + this.sessions.size;
  }

  /** Drops every expired entry. */
  sweep(): void {
    const now = this.now();
    for (const map of [this.entries, this.bounded]) {
      for (const [key, entry] of map) {
        if (entry.expiresAt <= now) map.delete(key);
      }
    }
    this.refreshTokens.sweep(now / 1000);
    this.sessions.sweep(now);
  }

  async saveRefreshToken(record: RefreshTokenRecord): Promise<void> {
    this.setRecord(record);
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | undefined> {
    return this.liveRecord(id);
  }

  async rotateRefreshToken(previousId: string, next: RefreshTokenRecord, now: number): Promise<RotateResult> {
    // Synchronous from here to the end: nothing can interleave, which is what makes it atomic.
    const previous = this.liveRecord(previousId);
    if (previous === undefined) return { outcome: 'invalid' };
    if (previous.spentAt !== undefined) return { outcome: 'reused', previous };
    const spent: RefreshTokenRecord = { ...previous, spentAt: now, successorId: next.id };
    this.setRecord(spent);
    this.setRecord(next);
    this.sessions.touch(previous.familyId, now, next.id);
    return { outcome: 'rotated', previous };
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
    const now = this.now();
    const entry = this.live(COUNTER + key, now);
    const count = entry === undefined ? 1 : Number(entry.value) + 1;
    const expiresAt = Math.max(entry?.expiresAt ?? 0, now + windowSeconds * 1000);
    this.set(COUNTER + key, String(count), expiresAt);
    return { count, resetAt: Math.ceil(expiresAt / 1000) };
  }

  async hitBelow(key: string, max: number, windowSeconds: number): Promise<CappedHit> {
    const now = this.now();
    const entry = this.live(COUNTER + key, now);
    const count = entry === undefined ? 0 : Number(entry.value);
    if (entry !== undefined && count >= max) return { count, resetAt: Math.ceil(entry.expiresAt / 1000), added: false };
    const expiresAt = Math.max(entry?.expiresAt ?? 0, now + windowSeconds * 1000);
    this.set(COUNTER + key, String(count + 1), expiresAt);
    return { count: count + 1, resetAt: Math.ceil(expiresAt / 1000), added: true };
  }

  async release(key: string): Promise<void> {
    const entry = this.live(COUNTER + key, this.now());
    if (entry === undefined) return;
    const count = Number(entry.value) - 1;
    if (count <= 0) this.bounded.delete(COUNTER + key);
    else entry.value = String(count);
  }

  async peek(key: string): Promise<Counter | undefined> {
    const entry = this.live(COUNTER + key, this.now());
    return entry === undefined ? undefined : { count: Number(entry.value), resetAt: Math.ceil(entry.expiresAt / 1000) };
  }

  async reset(key: string): Promise<void> {
    this.bounded.delete(COUNTER + key);
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.get(ONCE + key) !== undefined) return false;
    this.set(ONCE + key, '1', this.now() + ttlSeconds * 1000);
    return true;
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
    if (options.refreshToken !== undefined) this.setRecord(options.refreshToken);
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

  private liveRecord(id: string): RefreshTokenRecord | undefined {
    const encoded = this.refreshTokens.get(id);
    if (encoded === undefined) return undefined;
    if (expiresAtOf(encoded) * 1000 <= this.now()) {
      this.refreshTokens.delete(id);
      return undefined;
    }
    const record = decodeRecord(id, encoded);
    return this.get(FAMILY + record.familyId) === undefined ? record : undefined;
  }

  private setRecord(record: RefreshTokenRecord): void {
    if (record.expiresAt * 1000 <= this.now()) this.refreshTokens.delete(record.id);
    else this.refreshTokens.set(record.id, encodeRecord(record), record.expiresAt);
  }

  /** A revocation mark only ever lasts longer: a second, shorter revocation must not un-revoke early. */
  private mark(key: string, expiresAtMs: number): void {
    this.set(key, '1', Math.max(this.live(key, this.now())?.expiresAt ?? 0, expiresAtMs));
  }

  private set(key: string, value: string, expiresAtMs: number): void {
    const map = this.mapOf(key);
    if (expiresAtMs <= this.now()) {
      map.delete(key);
      return;
    }
    map.set(key, { value, expiresAt: expiresAtMs });
  }

  /** Counters and replay markers are bounded; refresh tokens, revocations and one-shot values are not. */
  private mapOf(key: string): { get(k: string): Entry | undefined; set(k: string, e: Entry): unknown; delete(k: string): unknown } {
    return key.startsWith(COUNTER) || key.startsWith(ONCE) ? this.bounded : this.entries;
  }

  private get(key: string): string | undefined {
    return this.live(key, this.now())?.value;
  }

  private live(key: string, now: number): Entry | undefined {
    const map = this.mapOf(key);
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }
}
