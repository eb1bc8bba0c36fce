// lib/testing/revocation-cases.ts
// Contract cases for revocation: families (refresh tokens and sid), access-token jtis, and the onRevocation broadcast.

import assert from 'node:assert/strict';
import type { Revocation, TokenStore } from '../stores/shared/store';
import { eventually, nowSeconds, refreshRecord, successorOf, uniqueId } from './fixtures';
import type { Harness } from './harness';

/** Declares the revocation cases; those where revocations meet refresh tokens only when both are under test. */
export function revocationCases(t: Harness): void {
  if (t.covers('RefreshTokenStore')) familyCases(t);
  markCases(t);
}

/** A revoked family's refresh tokens: hidden, and never rotated (the store keeps both concerns). */
function familyCases(t: Harness): void {
  t.it('revoking a family hides all its refresh tokens and blocks their rotation, and only that family', async () => {
    const store = await t.store();
    const record = refreshRecord();
    const sibling = successorOf(record);
    const other = refreshRecord();
    await Promise.all([store.saveRefreshToken(record), store.saveRefreshToken(sibling), store.saveRefreshToken(other)]);
    await store.revokeFamily(record.familyId, 3600);
    assert.equal(await store.findRefreshToken(record.id), undefined);
    assert.equal(await store.findRefreshToken(sibling.id), undefined);
    const next = successorOf(record);
    assert.deepStrictEqual(await store.rotateRefreshToken(record.id, next, nowSeconds()), { outcome: 'invalid' });
    assert.equal(await store.findRefreshToken(next.id), undefined);
    assert.deepStrictEqual(await store.findRefreshToken(other.id), other);
  });

  t.it('a family revoked during concurrent rotations lets none of them through afterwards', async () => {
    const store = await t.store();
    const record = refreshRecord();
    await store.saveRefreshToken(record);
    await store.revokeFamily(record.familyId, 3600);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.rotateRefreshToken(record.id, successorOf(record), nowSeconds())));
    assert.ok(results.every((r) => r.outcome === 'invalid'));
  });
}

/** Revocation marks alone: jtis, families (sid), and the broadcast. */
function markCases(t: Harness): void {
  t.it('reports an access token revoked by jti, or by its family (sid), and no other', async () => {
    const store = await t.store();
    const [jti, otherJti, familyId] = [uniqueId('jti'), uniqueId('jti'), uniqueId('fam')];
    assert.equal(await store.isAccessTokenRevoked(jti, undefined), false);
    await store.revokeAccessToken(jti, nowSeconds() + 600);
    assert.equal(await store.isAccessTokenRevoked(jti, undefined), true);
    assert.equal(await store.isAccessTokenRevoked(jti, uniqueId('fam')), true);
    assert.equal(await store.isAccessTokenRevoked(otherJti, familyId), false);
    await store.revokeFamily(familyId, 600);
    assert.equal(await store.isAccessTokenRevoked(otherJti, familyId), true);
    assert.equal(await store.isAccessTokenRevoked(otherJti, undefined), false);
  });

  t.it('broadcasts revocations of jtis and families to onRevocation listeners until they unsubscribe', async () => {
    const store = await t.store();
    if (store.onRevocation === undefined) return;
    const seen: Array<Revocation | undefined> = [];
    const unsubscribe = store.onRevocation((r) => seen.push(r));
    await listening(store, seen);
    const [jti, familyId] = [uniqueId('jti'), uniqueId('fam')];
    await store.revokeAccessToken(jti, nowSeconds() + 600);
    await store.revokeFamily(familyId, 600);
    await eventually(() => has(seen, 'family', familyId), 'the family revocation broadcast');
    assert.ok(has(seen, 'jti', jti), 'the jti revocation was not broadcast');
    unsubscribe();
    // A second listener shows when the next broadcast has been delivered; the first must not have heard it.
    const witness: Array<Revocation | undefined> = [];
    store.onRevocation((r) => witness.push(r));
    const after = uniqueId('jti');
    await store.revokeAccessToken(after, nowSeconds() + 600);
    await eventually(() => has(witness, 'jti', after), 'the broadcast to the remaining listener');
    assert.equal(has(seen, 'jti', after), false, 'an unsubscribed listener was called');
  });
}

/** Shared cases: two handles on one backend, as two processes would hold (each concern under test). */
export function peerCases(t: Harness): void {
  const { peer } = t;
  if (peer === undefined) return;
  if (t.covers('RefreshTokenStore')) refreshPeerCases(t, peer);
  const shared = [
    t.covers('RevocationStore') ? 'revocations' : undefined,
    t.covers('CounterStore') ? 'counters' : undefined,
    t.covers('OneShotStore') ? 'one-shot values' : undefined,
  ].filter((what): what is string => what !== undefined);
  if (shared.length > 0) sharedStateCase(t, peer, shared);
  if (t.covers('RevocationStore')) broadcastPeerCase(t, peer);
}

type Peer = NonNullable<Harness['peer']>;

function refreshPeerCases(t: Harness, peer: Peer): void {
  t.it('a token rotated through one handle is spent for the other, and reuse there is reported', async () => {
    const a = await t.store();
    const b = await peer(a);
    const record = refreshRecord();
    await a.saveRefreshToken(record);
    const next = successorOf(record);
    assert.equal((await a.rotateRefreshToken(record.id, next, nowSeconds())).outcome, 'rotated');
    assert.equal((await b.rotateRefreshToken(record.id, successorOf(record), nowSeconds())).outcome, 'reused');
    assert.deepStrictEqual(await b.findRefreshToken(next.id), next);
  });

  t.it('concurrent rotations through two handles give exactly one winner', async () => {
    const a = await t.store();
    const b = await peer(a);
    const record = refreshRecord();
    await a.saveRefreshToken(record);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).rotateRefreshToken(record.id, successorOf(record), nowSeconds())),
    );
    assert.equal(results.filter((r) => r.outcome === 'rotated').length, 1);
  });
}

/** One case for every concern under test: the titles of the whole contract stay as they were. */
function sharedStateCase(t: Harness, peer: Peer, shared: readonly string[]): void {
  const title = shared.length === 1 ? shared[0] : `${shared.slice(0, -1).join(', ')} and ${shared[shared.length - 1]}`;
  t.it(`${title} are shared between handles`, async () => {
    const a = await t.store();
    const b = await peer(a);
    const [jti, key, once] = [uniqueId('jti'), uniqueId('ctr'), uniqueId('once')];
    if (t.covers('RevocationStore')) {
      await a.revokeAccessToken(jti, nowSeconds() + 600);
      assert.equal(await b.isAccessTokenRevoked(jti, undefined), true);
    }
    if (t.covers('CounterStore')) {
      await a.hit(key, 60);
      assert.equal((await b.hit(key, 60)).count, 2);
      assert.equal((await a.peek(key))?.count, 2);
    }
    if (t.covers('OneShotStore')) {
      assert.equal(await a.claimOnce(once, 60), true);
      assert.equal(await b.claimOnce(once, 60), false);
      await b.put(once, 'v', 60);
      assert.equal(await a.take(once), 'v');
      assert.equal(await b.take(once), undefined);
    }
  });
}

function broadcastPeerCase(t: Harness, peer: Peer): void {
  t.it('a revocation made through one handle reaches onRevocation listeners of the other', async () => {
    const a = await t.store();
    const b = await peer(a);
    if (b.onRevocation === undefined) return;
    const seen: Array<Revocation | undefined> = [];
    b.onRevocation((r) => seen.push(r));
    await listening(a, seen);
    const familyId = uniqueId('fam');
    await a.revokeFamily(familyId, 600);
    await eventually(() => has(seen, 'family', familyId), 'the broadcast from the other handle');
  });
}

function has(seen: ReadonlyArray<Revocation | undefined>, kind: Revocation['kind'], id: string): boolean {
  return seen.some((r) => r?.kind === kind && r.id === id);
}

/** Subscriptions may start asynchronously (pub/sub): revoke probes until one comes back. */
export async function listening(store: TokenStore, seen: ReadonlyArray<Revocation | undefined>): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const probe = uniqueId('probe');
    await store.revokeAccessToken(probe, nowSeconds() + 60);
    try {
      await eventually(() => has(seen, 'jti', probe), 'a probe revocation', 200);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}
