// lib/testing/capped-counter-cases.ts
// Contract cases for the counters throttling reserves attempts with: hitBelow (capped, atomic) and release.

import assert from 'node:assert/strict';
import { nowSeconds, uniqueId } from './fixtures';
import type { Harness } from './harness';

/** Declares the hitBelow and release cases. */
export function cappedCounterCases(t: Harness): void {
  t.it('hitBelow adds one while below max, then refuses without counting', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    const first = await store.hitBelow(key, 2, 60);
    assert.deepEqual([first.count, first.added], [1, true]);
    assert.ok(first.resetAt >= nowSeconds() + 59, `resetAt ${first.resetAt} is not about now + 60`);
    assert.deepEqual([(await store.hitBelow(key, 2, 60)).count, (await store.hitBelow(key, 2, 60)).added], [2, false]);
    assert.equal((await store.peek(key))?.count, 2);
  });

  t.it('hitBelow grants exactly max of 100 concurrent calls', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    const results = await Promise.all(Array.from({ length: 100 }, () => store.hitBelow(key, 7, 60)));
    assert.equal(results.filter((r) => r.added).length, 7);
    assert.deepEqual(
      results
        .filter((r) => r.added)
        .map((r) => r.count)
        .sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.ok(results.filter((r) => !r.added).every((r) => r.count === 7));
    assert.equal((await store.peek(key))?.count, 7);
  });

  t.it('a refused hitBelow does not extend the expiry; an added one extends it, never shortens it', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    const short = await store.hitBelow(key, 2, 10);
    const longer = await store.hitBelow(key, 2, 600);
    assert.ok(longer.resetAt >= nowSeconds() + 599, 'an added hit must extend the expiry');
    const refused = await store.hitBelow(key, 2, 5000);
    assert.equal(refused.added, false);
    assert.ok(Math.abs(refused.resetAt - longer.resetAt) <= 1, 'a refused hit must leave the expiry alone');
    assert.ok(short.resetAt <= longer.resetAt);
  });

  t.it('hitBelow counts on a counter that hit() created, and hit() on one hitBelow created', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    await store.hit(key, 60);
    await store.hit(key, 60);
    assert.equal((await store.hitBelow(key, 2, 60)).added, false);
    assert.deepEqual([(await store.hitBelow(key, 3, 60)).count, (await store.hit(key, 60)).count], [3, 4]);
  });

  t.it('release gives back one, keeps the expiry, deletes at zero, and never creates a counter', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    await store.release(key);
    assert.equal(await store.peek(key), undefined);
    await store.hitBelow(key, 5, 600);
    const two = await store.hitBelow(key, 5, 600);
    await store.release(key);
    const one = await store.peek(key);
    assert.equal(one?.count, 1);
    assert.ok(one !== undefined && Math.abs(one.resetAt - two.resetAt) <= 1, 'release must not change the expiry');
    await store.release(key);
    assert.equal(await store.peek(key), undefined);
    await store.release(key);
    assert.equal(await store.peek(key), undefined);
    assert.equal((await store.hitBelow(key, 5, 60)).count, 1);
  });

  t.it('concurrent reservations and releases keep at most max held at any time', async () => {
    const store = await t.store();
    const key = uniqueId('ctr');
    let held = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        const r = await store.hitBelow(key, 4, 60);
        if (!r.added) return;
        held += 1;
        most = Math.max(most, held);
        await new Promise((resolve) => setImmediate(resolve));
        held -= 1;
        await store.release(key);
      }),
    );
    assert.ok(most <= 4, `${most} reservations were held at once`);
    assert.equal(await store.peek(key), undefined);
  });
}
