// lib/testing/value-cases.ts
// Contract cases for replay caches (claimOnce) and one-shot values (put/take), alone and under concurrency.

import assert from 'node:assert/strict';
import { isStoreFullError } from '../stores/shared/store-full-error';
import { uniqueId } from './fixtures';
import type { Harness } from './harness';

/** A claim a bounded store refused because it cannot tell (StoreFullError) counts as refused, never as first. */
const refusedWhenFull = (err: unknown): boolean => {
  if (isStoreFullError(err)) return false;
  throw err;
};

/** Declares the claimOnce and put/take cases. */
export function valueCases(t: Harness): void {
  t.it('claims a key once; later claims fail; other keys are independent', async () => {
    const store = await t.store();
    const [key, other] = [uniqueId('once'), uniqueId('once')];
    assert.equal(await store.claimOnce(key, 60), true);
    assert.equal(await store.claimOnce(key, 60), false);
    assert.equal(await store.claimOnce(other, 60), true);
  });

  t.it('gives exactly one of 50 concurrent claims of one key', async () => {
    const store = await t.store();
    const key = uniqueId('once');
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claimOnce(key, 60)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  // A replay cache that evicts live markers to stay small (an LRU, say) makes a replay possible again after a flood.
  t.it('never grants a live key twice, however many keys were claimed since (a bounded store may say StoreFullError)', async () => {
    const store = await t.store();
    const first = `flood:${uniqueId('once')}`;
    assert.equal(await store.claimOnce(first, 60), true);
    for (let i = 0; i < 2000; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => store.claimOnce(`flood:${uniqueId('once')}`, 60).catch(refusedWhenFull)));
    }
    assert.equal(await store.claimOnce(first, 60).catch(refusedWhenFull), false);
  });

  t.it('takes a stored value once, as the same string', async () => {
    const store = await t.store();
    const key = uniqueId('kv');
    const value = JSON.stringify({ user: 'zoë', steps: ['otp'], n: 1.5 });
    await store.put(key, value, 60);
    assert.equal(await store.take(key), value);
    assert.equal(await store.take(key), undefined);
    assert.equal(await store.take(uniqueId('kv')), undefined);
  });

  t.it('replaces a value put twice', async () => {
    const store = await t.store();
    const key = uniqueId('kv');
    await store.put(key, 'first', 60);
    await store.put(key, 'second', 60);
    assert.equal(await store.take(key), 'second');
  });

  t.it('hands a value to exactly one of 50 concurrent takes', async () => {
    const store = await t.store();
    const key = uniqueId('kv');
    await store.put(key, 'once', 60);
    const results = await Promise.all(Array.from({ length: 50 }, () => store.take(key)));
    assert.deepStrictEqual(
      results.filter((v) => v !== undefined),
      ['once'],
    );
  });
}
