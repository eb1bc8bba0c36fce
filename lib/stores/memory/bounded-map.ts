// lib/stores/memory/bounded-map.ts
// A Map with a hard size cap that forgets its least recently written half in one O(1) step when full.

/**
 * Two generations: writes go to `fresh`; when `fresh` holds half the cap, it becomes `stale` and the previous
 * `stale` is dropped whole. So at most `max` entries live at once, an entry written within the last `max / 2`
 * writes is never evicted, and eviction costs nothing per write (deleting the oldest entry of one big Map one by one
 * makes V8 skip ever more holes at its front: quadratic under a flood).
 */
export class BoundedMap<V> {
  private fresh = new Map<string, V>();
  private stale = new Map<string, V>();
  private readonly half: number;

  constructor(max: number) {
    this.half = Math.floor(max / 2);
  }

  get size(): number {
    return this.fresh.size + this.stale.size;
  }

  get(key: string): V | undefined {
    return this.fresh.get(key) ?? this.stale.get(key);
  }

  set(key: string, value: V): void {
    this.stale.delete(key);
    if (!this.fresh.has(key) && this.fresh.size >= this.half) {
      this.stale = this.fresh;
      this.fresh = new Map();
    }
    this.fresh.set(key, value);
  }

  delete(key: string): void {
    this.fresh.delete(key);
    this.stale.delete(key);
  }

  *[Symbol.iterator](): IterableIterator<[string, V]> {
    yield* this.stale;
    yield* this.fresh;
  }
}
