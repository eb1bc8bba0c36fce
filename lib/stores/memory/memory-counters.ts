// lib/stores/memory/memory-counters.ts
// MemoryStore's counters (hit, hitBelow, release, peek, reset), capped per budget so one kind never evicts another.

import { BoundedMap } from './bounded-map';
import { counterBudget, type CounterBudget } from '../shared/counter-kinds';
import type { CappedHit, Counter } from '../shared/store';

interface CounterEntry {
  value: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** A live counter and the budget holding it. */
interface Found {
  readonly map: BoundedMap<CounterEntry>;
  readonly entry: CounterEntry;
}

/**
 * Three BoundedMaps of `max` counters each (counter-kinds.ts): `closing` (locks, lock levels, full failure
 * counters), `known` (remembered successes) and `open` (the rest). A counter lives in one of them at a time; a failure
 * counter moves from `open` to `closing` when a `hitBelow` finds or makes it full, and stays there until it expires or
 * is reset. Values are numbers, copied out as new objects.
 */
export class MemoryCounters {
  private readonly budgets: Readonly<Record<CounterBudget, BoundedMap<CounterEntry>>>;

  constructor(
    max: number,
    private readonly now: () => number,
  ) {
    this.budgets = { closing: new BoundedMap(max), known: new BoundedMap(max), open: new BoundedMap(max) };
  }

  get size(): number {
    return this.budgets.closing.size + this.budgets.known.size + this.budgets.open.size;
  }

  sweep(now: number): void {
    for (const map of Object.values(this.budgets)) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }

  hit(key: string, windowSeconds: number): Counter {
    const now = this.now();
    const found = this.find(key, now);
    const count = (found?.entry.value ?? 0) + 1;
    const expiresAt = Math.max(found?.entry.expiresAt ?? 0, now + windowSeconds * 1000);
    this.write(key, { value: count, expiresAt }, found, false, now);
    return { count, resetAt: Math.ceil(expiresAt / 1000) };
  }

  hitBelow(key: string, max: number, windowSeconds: number): CappedHit {
    const now = this.now();
    const found = this.find(key, now);
    const count = found?.entry.value ?? 0;
    if (found !== undefined && count >= max) {
      // Full: it closes something now, wherever it was written.
      this.write(key, found.entry, found, true, now);
      return { count, resetAt: Math.ceil(found.entry.expiresAt / 1000), added: false };
    }
    const expiresAt = Math.max(found?.entry.expiresAt ?? 0, now + windowSeconds * 1000);
    this.write(key, { value: count + 1, expiresAt }, found, count + 1 >= max, now);
    return { count: count + 1, resetAt: Math.ceil(expiresAt / 1000), added: true };
  }

  release(key: string): void {
    const found = this.find(key, this.now());
    if (found === undefined) return;
    if (found.entry.value <= 1) found.map.delete(key);
    else found.entry.value -= 1;
  }

  peek(key: string): Counter | undefined {
    const found = this.find(key, this.now());
    return found === undefined ? undefined : { count: found.entry.value, resetAt: Math.ceil(found.entry.expiresAt / 1000) };
  }

  reset(key: string): void {
    for (const map of Object.values(this.budgets)) map.delete(key);
  }

  /** The live counter: in its own budget, or in `closing` if it was promoted there. */
  private find(key: string, now: number): Found | undefined {
    const own = this.budgets[counterBudget(key, false)];
    for (const map of own === this.budgets.closing ? [own] : [own, this.budgets.closing]) {
      const entry = map.get(key);
      if (entry === undefined) continue;
      if (entry.expiresAt > now) return { map, entry };
      map.delete(key);
    }
    return undefined;
  }

  /** Stores the counter in its budget: `closing` once it is there or `full` makes it so, its own budget otherwise. */
  private write(key: string, entry: CounterEntry, found: Found | undefined, full: boolean, now: number): void {
    const closing = this.budgets.closing;
    const target = found?.map === closing ? closing : this.budgets[counterBudget(key, full)];
    if (found !== undefined && found.map !== target) found.map.delete(key);
    if (entry.expiresAt <= now) target.delete(key);
    else target.set(key, entry);
  }
}
