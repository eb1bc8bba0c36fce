// lib/stores/shared/counter-batch-store.ts
// The optional batch capability of a counter store: several hitBelow/peek, or several hit/release/reset, in one call.

import type { CappedHit, Counter, CounterStore } from './counter-store';
import { StoreError } from './store-error';

/** One `hitBelow(key, max, windowSeconds)` of a batch. */
export interface CappedHitRequest {
  readonly key: string;
  readonly max: number;
  readonly windowSeconds: number;
}

/** One change of a batch: `hit(key, windowSeconds)`, `release(key)` or `reset(key)`. */
export type CounterChange =
  | { readonly op: 'hit'; readonly key: string; readonly windowSeconds: number }
  | { readonly op: 'release'; readonly key: string }
  | { readonly op: 'reset'; readonly key: string };

/** What `hitBelowMany` did: one CappedHit per requested hit, one Counter (or undefined) per peek, in order. */
export interface CounterBatch {
  readonly hits: readonly CappedHit[];
  readonly peeks: ReadonlyArray<Counter | undefined>;
}

/**
 * A counter store that does several counter steps in one call (one round trip for a shared store): throttling
 * reserves a login's buckets with one `hitBelowMany` and settles them with one `changeMany` when the store has both,
 * else it makes the single-key calls of `CounterStore` (a store without this capability keeps working). Each step
 * means exactly what the single-key method means, and is atomic per key as that method is; nothing is required
 * across keys. Tested by `runCounterBatchStoreContract` (express-password-grant/testing).
 * @example
 * class MyCounters implements CounterStore, CounterBatchStore { async hitBelowMany(hits, peeks) { ... } ... }
 */
export interface CounterBatchStore {
  /**
   * `hitBelow` for each of `hits` in order, then `peek` for each of `peeks`. When it rejects, none of the hits may
   * stay counted (one transaction; or the store releases those it added before rejecting): the caller answers 503
   * and must not leave attempts behind that nobody made. Only a call that timed out may have counted unseen, as a
   * single `hitBelow` that timed out may have.
   */
  hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch>;

  /** Each change in order, as `hit`, `release` or `reset` would make it. When it rejects, some may have been made. */
  changeMany(changes: readonly CounterChange[]): Promise<void>;
}

/** The store's own batch methods, or undefined when it has none (then the single-key calls are made instead). */
export function batchOf(store: CounterStore): CounterBatchStore | undefined {
  const s = store as Partial<CounterBatchStore>;
  return typeof s.hitBelowMany === 'function' && typeof s.changeMany === 'function' ? (store as CounterStore & CounterBatchStore) : undefined;
}

/**
 * `hitBelowMany` made of single-key calls: what a store without the capability gets, and what MemoryStore implements
 * it with (through `this`, so a subclass overriding a single-key method sees every call). Keys at once, the steps of
 * one key in order (its hits, then its peeks). When any call fails, the units that were added are given back first,
 * then it rejects with a StoreError naming the single-key call that failed.
 */
export async function hitBelowEach(store: CounterStore, hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
  const results = await perKey([
    ...hits.map((h) => ({ key: h.key, operation: 'hitBelow', run: () => store.hitBelow(h.key, h.max, h.windowSeconds) })),
    ...peeks.map((key) => ({ key, operation: 'peek', run: () => store.peek(key) })),
  ]);
  const failed = results.find((r) => r.error !== undefined)?.error;
  if (failed === undefined) {
    return {
      hits: results.slice(0, hits.length).map((r) => r.value as CappedHit),
      peeks: results.slice(hits.length).map((r) => r.value as Counter | undefined),
    };
  }
  const added = hits.filter((_, i) => (results[i].value as CappedHit | undefined)?.added === true);
  await Promise.all(added.map((h) => store.release(h.key))).catch(() => undefined); // the original error matters more
  throw failed;
}

/** `changeMany` made of single-key calls, keys at once, the changes of one key in order (see hitBelowEach). */
export async function changeEach(store: CounterStore, changes: readonly CounterChange[]): Promise<void> {
  const results = await perKey(
    changes.map((c) => ({
      key: c.key,
      operation: c.op,
      run: (): Promise<unknown> => (c.op === 'hit' ? store.hit(c.key, c.windowSeconds) : c.op === 'release' ? store.release(c.key) : store.reset(c.key)),
    })),
  );
  const failed = results.find((r) => r.error !== undefined)?.error;
  if (failed !== undefined) throw failed;
}

interface Step {
  readonly key: string;
  readonly operation: string;
  run(): Promise<unknown>;
}

/** Every step settled, in the order given: its value, or its failure as a StoreError naming the step. */
async function perKey(steps: readonly Step[]): Promise<Array<{ value?: unknown; error?: StoreError }>> {
  const chains = new Map<string, Promise<unknown>>();
  const settled = steps.map((step) => {
    // After the key's previous step has settled (a step that throws at once rejects like one that rejects later).
    const result = (chains.get(step.key) ?? Promise.resolve())
      .then(() => step.run())
      .then(
        (value) => ({ value }),
        (err: unknown) => ({ error: new StoreError(step.operation, err) }),
      );
    chains.set(step.key, result);
    return result;
  });
  return Promise.all(settled);
}
