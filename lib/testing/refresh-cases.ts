// lib/testing/refresh-cases.ts
// Contract cases for refresh tokens: save/find copies, atomic rotation, reuse, and rotation under concurrency.

import assert from 'node:assert/strict';
import type { RotateResult } from '../stores/shared/store';
import { nowSeconds, refreshRecord, successorOf, uniqueId } from './fixtures';
import type { Harness } from './harness';

/** Declares the refresh-token cases. */
export function refreshCases(t: Harness): void {
  t.it('finds a saved refresh token as an equal copy, unicode and nested claims included', async () => {
    const store = await t.store();
    const record = refreshRecord({ scope: [], username: 'zoë@example.com', extraClaims: { tenant: 'ä', roles: ['a'], n: { deep: [] } }, jkt: 'thumb' });
    await store.saveRefreshToken(record);
    const found = await store.findRefreshToken(record.id);
    assert.deepStrictEqual(found, record);
    assert.notStrictEqual(found, record, 'the store must copy values out, not hand back the saved object');
  });

  t.it('finds nothing for an unknown id', async () => {
    const store = await t.store();
    assert.equal(await store.findRefreshToken(uniqueId('missing')), undefined);
  });

  t.it('rotates an active token: it becomes spent with its successor, and the successor is stored', async () => {
    const store = await t.store();
    const record = refreshRecord();
    await store.saveRefreshToken(record);
    const next = successorOf(record);
    const now = nowSeconds();
    const result = await store.rotateRefreshToken(record.id, next, now);
    assert.equal(result.outcome, 'rotated');
    assert.deepStrictEqual(result.outcome === 'rotated' && result.previous, record);
    assert.deepStrictEqual(await store.findRefreshToken(record.id), { ...record, spentAt: now, successorId: next.id });
    assert.deepStrictEqual(await store.findRefreshToken(next.id), next);
  });

  t.it('reports reuse of a spent token with its spend, and stores nothing for the second successor', async () => {
    const store = await t.store();
    const record = refreshRecord();
    await store.saveRefreshToken(record);
    const first = successorOf(record);
    const now = nowSeconds();
    await store.rotateRefreshToken(record.id, first, now);
    const second = successorOf(record);
    const result = await store.rotateRefreshToken(record.id, second, now + 1);
    assert.equal(result.outcome, 'reused');
    assert.deepStrictEqual(result.outcome === 'reused' && result.previous, { ...record, spentAt: now, successorId: first.id });
    assert.equal(await store.findRefreshToken(second.id), undefined);
  });

  t.it('refuses to rotate an unknown token', async () => {
    const store = await t.store();
    const next = refreshRecord();
    assert.deepStrictEqual(await store.rotateRefreshToken(uniqueId('missing'), next, nowSeconds()), { outcome: 'invalid' });
    assert.equal(await store.findRefreshToken(next.id), undefined);
  });

  t.it('gives exactly one winner among 50 concurrent rotations of one token', async () => {
    const store = await t.store();
    const record = refreshRecord();
    await store.saveRefreshToken(record);
    const nexts = Array.from({ length: 50 }, () => successorOf(record));
    const results: RotateResult[] = await Promise.all(nexts.map((next) => store.rotateRefreshToken(record.id, next, nowSeconds())));
    const winners = results.flatMap((r, i) => (r.outcome === 'rotated' ? [i] : []));
    assert.equal(winners.length, 1, `expected one rotation, got ${winners.length}`);
    assert.ok(results.every((r) => r.outcome === 'rotated' || r.outcome === 'reused'));
    const stored = await Promise.all(nexts.map((next) => store.findRefreshToken(next.id)));
    assert.deepStrictEqual(
      stored.flatMap((r, i) => (r === undefined ? [] : [i])),
      winners,
      'only the winner’s successor may be stored',
    );
    assert.equal((await store.findRefreshToken(record.id))?.successorId, nexts[winners[0]].id);
  });
}
