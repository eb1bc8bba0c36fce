// lib/testing/counter-batch-cases.ts
// Contract cases for CounterBatchStore: hitBelowMany and changeMany mean their single-key calls, atomic per key,
// under concurrency and in any key order.

import assert from 'node:assert/strict';
import type { CounterBatchStore } from '../stores/shared/counter-batch-store';
import type { CounterStore } from '../stores/shared/counter-store';
import type { TestBody } from './test-globals';
import { nowSeconds, uniqueId } from './fixtures';

/** What the batch cases receive: the runner's `it`, and a store for the current case. */
export interface BatchHarness {
  it(name: string, body: TestBody): void;
  store(): Promise<CounterStore & CounterBatchStore>;
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1;

/** Declares the hitBelowMany and changeMany cases. */
export function counterBatchCases(t: BatchHarness): void {
  t.it('hitBelowMany makes each hitBelow in order, then each peek, and answers in the order asked', async () => {
    const store = await t.store();
    const [a, b, missing] = ['a', 'b', 'missing'].map((label) => uniqueId(`ctr-${label}`));
    await store.hit(b, 600);
    const batch = await store.hitBelowMany(
      [
        { key: a, max: 2, windowSeconds: 60 },
        { key: b, max: 2, windowSeconds: 60 },
        { key: a, max: 2, windowSeconds: 60 },
        { key: b, max: 2, windowSeconds: 60 },
        { key: a, max: 2, windowSeconds: 60 },
      ],
      [missing, a, b],
    );
    assert.deepEqual(
      batch.hits.map((h) => [h.count, h.added]),
      [
        [1, true],
        [2, true],
        [2, true],
        [2, false],
        [2, false],
      ],
    );
    assert.ok(batch.hits[0].resetAt >= nowSeconds() + 59, `resetAt ${batch.hits[0].resetAt} is not about now + 60`);
    assert.ok(batch.hits[1].resetAt >= nowSeconds() + 599, 'an added hit must never shorten the expiry');
    assert.ok(near(batch.hits[3].resetAt, batch.hits[1].resetAt), 'a refused hit reports the expiry as it stands');
    assert.equal(batch.peeks.length, 3);
    assert.equal(batch.peeks[0], undefined);
    assert.deepEqual([batch.peeks[1]?.count, batch.peeks[2]?.count], [2, 2]);
    assert.ok(batch.peeks[1] !== undefined && near(batch.peeks[1].resetAt, batch.hits[2].resetAt));
    assert.deepEqual(await store.hitBelowMany([], []), { hits: [], peeks: [] });
  });

  t.it('hitBelowMany grants exactly max per key among 60 concurrent batches naming the keys in opposite orders', async () => {
    const store = await t.store();
    const [a, b] = ['a', 'b'].map((label) => uniqueId(`ctr-${label}`));
    const max = new Map([
      [a, 7],
      [b, 11],
    ]);
    const order = (i: number): string[] => (i % 2 === 0 ? [a, b] : [b, a]);
    const batches = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.hitBelowMany(
          order(i).map((key) => ({ key, max: max.get(key)!, windowSeconds: 60 })),
          [a],
        ),
      ),
    );
    const added = (key: string): number[] => batches.flatMap((batch, i) => batch.hits.filter((h, j) => h.added && order(i)[j] === key).map((h) => h.count));
    assert.deepEqual(
      added(a).sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.deepEqual(
      added(b).sort((x, y) => x - y),
      Array.from({ length: 11 }, (_, i) => i + 1),
    );
    assert.deepEqual([(await store.peek(a))?.count, (await store.peek(b))?.count], [7, 11]);
  });

  t.it('changeMany releases (deleting at 0, expiry kept, never below 0 or created), resets and hits, per key in order', async () => {
    const store = await t.store();
    const [held, gone, never, cleared, counted] = ['held', 'gone', 'never', 'cleared', 'counted'].map((label) => uniqueId(`ctr-${label}`));
    const before = await store.hitBelow(held, 5, 600);
    await store.hitBelow(held, 5, 600);
    await store.hitBelow(gone, 5, 60);
    await store.hit(cleared, 60);
    await store.changeMany([
      { op: 'release', key: held },
      { op: 'release', key: gone },
      { op: 'release', key: gone },
      { op: 'release', key: never },
      { op: 'reset', key: cleared },
      { op: 'hit', key: counted, windowSeconds: 60 },
      { op: 'hit', key: counted, windowSeconds: 600 },
    ]);
    const left = await store.peek(held);
    assert.equal(left?.count, 1);
    assert.ok(left !== undefined && near(left.resetAt, before.resetAt), 'release must not change the expiry');
    assert.deepEqual([await store.peek(gone), await store.peek(never), await store.peek(cleared)], [undefined, undefined, undefined]);
    const hit = await store.peek(counted);
    assert.equal(hit?.count, 2);
    assert.ok(hit !== undefined && hit.resetAt >= nowSeconds() + 599, 'hit must extend the window to the longest asked for');
    assert.equal((await store.hitBelow(gone, 5, 60)).count, 1, 'a counter released to 0 starts over');
    await store.changeMany([
      { op: 'reset', key: counted },
      { op: 'hit', key: counted, windowSeconds: 60 },
    ]);
    assert.equal((await store.peek(counted))?.count, 1, 'the changes of one key are made in the order given');
    await store.changeMany([]);
  });

  t.it('concurrent reservations and releases of overlapping keys in opposite orders keep at most max held, and end at 0', async () => {
    const store = await t.store();
    const [a, b, c] = ['a', 'b', 'c'].map((label) => uniqueId(`ctr-${label}`));
    const orders = [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ];
    const held = new Map([a, b, c].map((key) => [key, 0]));
    let most = 0;
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const keys = orders[i % orders.length];
        const { hits } = await store.hitBelowMany(
          keys.map((key) => ({ key, max: 4, windowSeconds: 60 })),
          [a],
        );
        const mine = keys.filter((_, j) => hits[j].added);
        for (const key of mine) held.set(key, held.get(key)! + 1);
        most = Math.max(most, ...held.values());
        await new Promise((resolve) => setImmediate(resolve));
        for (const key of mine) held.set(key, held.get(key)! - 1);
        await store.changeMany(mine.reverse().map((key) => ({ op: 'release' as const, key })));
      }),
    );
    assert.ok(most <= 4, `${most} reservations were held at once`);
    assert.deepEqual(await Promise.all([a, b, c].map((key) => store.peek(key))), [undefined, undefined, undefined]);
  });
}
