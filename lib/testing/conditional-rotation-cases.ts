// lib/testing/conditional-rotation-cases.ts
// Contract cases for ConditionalRotationStore: rotateIfCurrent rotates what the refresh grant would rotate, as
// rotateRefreshToken would, and otherwise returns undefined having changed nothing.

import assert from 'node:assert/strict';
import type { ConditionalRotationStore, RotationTerms } from '../stores/shared/conditional-rotation-store';
import type { RefreshTokenRecord, RefreshTokenStore } from '../stores/shared/refresh-token-store';
import type { RevocationStore } from '../stores/shared/revocation-store';
import type { TestBody } from './test-globals';
import { nowSeconds, refreshRecord, uniqueId } from './fixtures';

/** The store kinds the cases need: refresh tokens and revocations to set up and check, and the capability. */
export type ConditionalRotationUnderTest = RefreshTokenStore & RevocationStore & ConditionalRotationStore;

/** What the cases receive: the runner's `it`, and a store for the current case. */
export interface ConditionalRotationHarness {
  it(name: string, body: TestBody): void;
  store(): Promise<ConditionalRotationUnderTest>;
}

const terms = (record: RefreshTokenRecord, overrides: Partial<RotationTerms> = {}): RotationTerms => ({
  clientId: record.clientId,
  idleTTL: 3600,
  absoluteTTL: 86_400,
  ...overrides,
});

/** Saves `record`, then checks that rotateIfCurrent with `t` and `now` returns undefined and changed nothing. */
async function refusedUnchanged(store: ConditionalRotationUnderTest, record: RefreshTokenRecord, t: RotationTerms, now: number, why: string): Promise<void> {
  const before = await store.findRefreshToken(record.id);
  const successorId = uniqueId('rt');
  assert.equal(await store.rotateIfCurrent(record.id, t, successorId, now), undefined, `rotated ${why}`);
  assert.deepEqual(await store.findRefreshToken(record.id), before, `changed the presented token ${why}`);
  assert.equal(await store.findRefreshToken(successorId), undefined, `stored a successor ${why}`);
}

/** Declares the rotateIfCurrent cases. */
export function conditionalRotationCases(t: ConditionalRotationHarness): void {
  t.it('rotates a current token as rotateRefreshToken would: returns it as it was, spends it, stores its successor', async () => {
    const store = await t.store();
    const now = nowSeconds();
    const record = refreshRecord({ username: 'alice@example.com', extraClaims: { tenant: 'ä', n: [1, 2] }, authTime: now - 100, issuedAt: now - 50 });
    await store.saveRefreshToken(record);
    const successorId = uniqueId('rt');
    const previous = await store.rotateIfCurrent(record.id, terms(record), successorId, now);
    assert.deepEqual(previous, record);
    assert.deepEqual(await store.findRefreshToken(record.id), { ...record, spentAt: now, successorId });
    const { id: _id, issuedAt: _issued, expiresAt: _expires, ...kept } = record;
    assert.deepEqual(await store.findRefreshToken(successorId), { ...kept, id: successorId, issuedAt: now, expiresAt: now + 3600 });
  });

  t.it("caps the successor's expiry at its family's end (authTime + absoluteTTL)", async () => {
    const store = await t.store();
    const now = nowSeconds();
    const record = refreshRecord({ authTime: now - 1000 });
    await store.saveRefreshToken(record);
    const successorId = uniqueId('rt');
    assert.deepEqual(await store.rotateIfCurrent(record.id, terms(record, { absoluteTTL: 1600 }), successorId, now), record);
    assert.equal((await store.findRefreshToken(successorId))?.expiresAt, now + 600);
  });

  t.it('returns undefined and changes nothing for a token the refresh grant would not rotate as it is', async () => {
    const store = await t.store();
    const now = nowSeconds();
    await refusedUnchanged(store, refreshRecord(), { clientId: 'client-ä', idleTTL: 3600, absoluteTTL: 86_400 }, now, 'an unknown token');
    const other = refreshRecord();
    await store.saveRefreshToken(other);
    await refusedUnchanged(store, other, terms(other, { clientId: 'another-client' }), now, 'for another client');
    const ended = refreshRecord({ authTime: now - 200 });
    await store.saveRefreshToken(ended);
    await refusedUnchanged(store, ended, terms(ended, { absoluteTTL: 200 }), now, 'at its family end');
    const lapsed = refreshRecord({ expiresAt: now + 30 });
    await store.saveRefreshToken(lapsed);
    await refusedUnchanged(store, lapsed, terms(lapsed), now + 30, 'past its expiry at the given now');
    const bound = refreshRecord({ jkt: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' });
    await store.saveRefreshToken(bound);
    await refusedUnchanged(store, bound, terms(bound), now, 'bound to a DPoP key');
    const legacy = refreshRecord({ predatesSessions: true });
    await store.saveRefreshToken(legacy);
    await refusedUnchanged(store, legacy, terms(legacy), now, 'of a login older than session records');
    const revoked = refreshRecord();
    await store.saveRefreshToken(revoked);
    await store.revokeFamily(revoked.familyId, 600);
    assert.equal(await store.rotateIfCurrent(revoked.id, terms(revoked), uniqueId('rt'), now), undefined, 'rotated a token of a revoked family');
    const spent = refreshRecord();
    await store.saveRefreshToken(spent);
    const first = await store.rotateRefreshToken(spent.id, { ...spent, id: uniqueId('rt') }, now);
    assert.equal(first.outcome, 'rotated');
    await refusedUnchanged(store, spent, terms(spent), now, 'already spent');
  });

  t.it('of concurrent calls for one token exactly one rotates it, and a rotateRefreshToken racing them loses too', async () => {
    const store = await t.store();
    const now = nowSeconds();
    const record = refreshRecord();
    await store.saveRefreshToken(record);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => store.rotateIfCurrent(record.id, terms(record), uniqueId('rt'), now)),
      store.rotateRefreshToken(record.id, { ...record, id: uniqueId('rt') }, now),
    ]);
    const rotated = results.filter((r) => r !== undefined && !('outcome' in r && r.outcome !== 'rotated'));
    assert.equal(rotated.length, 1, `${rotated.length} calls rotated one token`);
  });
}
