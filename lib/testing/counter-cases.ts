// lib/testing/counter-cases.ts
// Contract cases for throttling counters: atomic hit, window extension, peek and reset.

import assert from 'node:assert/strict';
import { nowSeconds, uniqueId } from './fixtures';
import type { Harness } from './harness';

/** Declares the counter cases. */
export function counterCases(t: Harness): void {
  t.it('counts hits from one and reports when the counter resets', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    const before = nowSeconds();
    const first = await store.hit(key, 60);
    assert.equal(first.count, 1);
    assert.ok(first.resetAt >= before + 59 && first.resetAt <= nowSeconds() + 61, `resetAt ${first.resetAt} is not about now + 60`);
    assert.equal((await store.hit(key, 60)).count, 2);
    assert.equal((await store.hit(key, 60)).count, 3);
  });

  t.it('extends the window to the longest asked for, and never shortens it', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    await store.hit(key, 10);
    const longer = await store.hit(key, 600);
    assert.ok(longer.resetAt >= nowSeconds() + 599, 'a longer window must extend the expiry');
    const shorter = await store.hit(key, 5);
    assert.equal(shorter.count, 3);
    assert.ok(shorter.resetAt >= longer.resetAt - 1, 'a shorter window must not shorten the expiry');
  });

  t.it('counts 100 concurrent hits exactly once each', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    const counts = (await Promise.all(Array.from({ length: 100 }, () => store.hit(key, 60)))).map((c) => c.count);
    assert.deepStrictEqual(
      [...counts].sort((x, y) => x - y),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.equal((await store.peek(key))?.count, 100);
  });

  t.it('peeks without counting, and forgets a reset counter', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    assert.equal(await store.peek(key), undefined);
    const hit = await store.hit(key, 60);
    const peeked = await store.peek(key);
    assert.equal(peeked?.count, 1);
    assert.ok(peeked !== undefined && Math.abs(peeked.resetAt - hit.resetAt) <= 1);
    assert.equal((await store.peek(key))?.count, 1);
    await store.reset(key);
    assert.equal(await store.peek(key), undefined);
    assert.equal((await store.hit(key, 60)).count, 1);
  });

  t.it('keeps counters of different keys apart', async () => {
    const store = await t.store();
    const [a, b] = [uniqueId('ctr'), uniqueId('ctr')];
    await store.hit(a, 60);
    await store.hit(a, 60);
    assert.equal((await store.hit(b, 60)).count, 1);
  });
}
