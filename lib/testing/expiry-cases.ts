// lib/testing/expiry-cases.ts
// Contract cases for TTLs: every kind of entry disappears by itself (real time: about three seconds per case).

import assert from 'node:assert/strict';
import type { StoreConcern } from '../stores/shared/concerns';
import { nowSeconds, refreshRecord, sessionRecord, sleepUntilAfter, uniqueId } from './fixtures';
import type { FullStore, Harness } from './harness';

/** What one concern writes for the TTL case, and the check made once its entries should have expired. */
interface ExpiryProbe {
  /** As the case's title names it. */
  readonly what: string;
  /** Writes entries living until `start + 2` (and one that lives on), asserts they are there; returns the later check. */
  arm(store: FullStore, start: number): Promise<() => Promise<void>>;
}

const PROBES: Readonly<Record<StoreConcern, ExpiryProbe>> = {
  RefreshTokenStore: {
    what: 'refresh tokens at expiresAt',
    async arm(store, start) {
      const shortLived = refreshRecord({ expiresAt: start + 2 });
      const longLived = refreshRecord();
      await Promise.all([store.saveRefreshToken(shortLived), store.saveRefreshToken(longLived)]);
      assert.deepStrictEqual(await store.findRefreshToken(shortLived.id), shortLived);
      return async () => {
        assert.equal(await store.findRefreshToken(shortLived.id), undefined);
        assert.deepStrictEqual(await store.findRefreshToken(longLived.id), longLived);
      };
    },
  },
  RevocationStore: {
    what: 'revocations after their TTL',
    async arm(store, start) {
      const [jti, family] = ['jti', 'fam'].map(uniqueId);
      await Promise.all([store.revokeAccessToken(jti, start + 2), store.revokeFamily(family, 2)]);
      assert.equal(await store.isAccessTokenRevoked(jti, undefined), true);
      assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), family), true);
      return async () => {
        assert.equal(await store.isAccessTokenRevoked(jti, undefined), false);
        assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), family), false);
      };
    },
  },
  CounterStore: {
    what: 'counters after their TTL',
    async arm(store) {
      const counter = uniqueId('ctr');
      await store.hit(counter, 2);
      return async () => {
        assert.equal(await store.peek(counter), undefined);
        assert.equal((await store.hit(counter, 60)).count, 1);
      };
    },
  },
  SessionStore: {
    what: 'sessions at expiresAt',
    async arm(store, start) {
      const session = sessionRecord({ expiresAt: start + 2 });
      await store.saveSession(session, { maxPerUser: 100 });
      assert.deepStrictEqual(await store.findSession(session.id), session);
      return async () => {
        assert.equal(await store.findSession(session.id), undefined);
        assert.deepStrictEqual(await store.listSessions(session.sub), []);
      };
    },
  },
  OneShotStore: {
    what: 'claims and values after their TTL',
    async arm(store) {
      const [once, value] = ['once', 'kv'].map(uniqueId);
      await Promise.all([store.claimOnce(once, 2), store.put(value, 'v', 2)]);
      return async () => {
        assert.equal(await store.claimOnce(once, 60), true);
        assert.equal(await store.take(value), undefined);
      };
    },
  },
};

/** Declares the TTL cases of the concerns under test. */
export function expiryCases(t: Harness): void {
  const probes = (Object.keys(PROBES) as StoreConcern[]).filter((concern) => t.covers(concern)).map((concern) => PROBES[concern]);
  // One wait for every concern: the whole contract stays one case of about three seconds.
  const title =
    probes.length === 4
      ? 'expires refresh tokens at expiresAt, and revocations, counters, claims and values after their TTL'
      : `expires ${probes.map((probe) => probe.what).join(', and ')}`;
  // Two seconds of life, not one: `start` is the current whole second, so one second could be a few ms away and a
  // loaded machine would see the entry expire before the first read.
  t.it(title, async () => {
    const store = await t.store();
    const start = await startOfSecond();
    const checks = await Promise.all(probes.map((probe) => probe.arm(store, start)));
    await sleepUntilAfter(start + 3);
    for (const check of checks) await check();
  });
  if (t.covers('RevocationStore')) markCases(t);
  if (t.covers('RefreshTokenStore')) refreshExpiryCases(t);
}

function markCases(t: Harness): void {
  // A second revocation of the same jti or family may ask for less time (TTL options lowered since, a token revoked
  // again with an earlier exp): keeping the later expiry is what stops it from un-revoking the first one's tokens.
  t.it('a second, shorter revocation of a jti or family never shortens its mark; a longer one extends it', async () => {
    const store = await t.store();
    const start = await startOfSecond();
    const [jti, family, growingJti, growingFamily] = ['jti', 'fam', 'jti', 'fam'].map(uniqueId);
    await Promise.all([
      store.revokeAccessToken(jti, start + 3600),
      store.revokeFamily(family, 3600),
      store.revokeAccessToken(growingJti, start + 2),
      store.revokeFamily(growingFamily, 2),
    ]);
    await Promise.all([
      store.revokeAccessToken(jti, start + 2),
      store.revokeFamily(family, 2),
      store.revokeAccessToken(growingJti, start + 3600),
      store.revokeFamily(growingFamily, 3600),
    ]);
    // A mark asked for a time already past: nothing to store, and nothing to take away either.
    await store.revokeAccessToken(jti, start - 10);
    assert.equal(await store.isAccessTokenRevoked(jti, undefined), true, 'a jti revoked again with a past time');
    await sleepUntilAfter(start + 3);
    assert.equal(await store.isAccessTokenRevoked(jti, undefined), true, 'a jti revoked again for less time');
    assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), family), true, 'a family revoked again for less time');
    assert.equal(await store.isAccessTokenRevoked(growingJti, undefined), true, 'a jti revoked again for longer');
    assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), growingFamily), true, 'a family revoked again for longer');
  });
}

function refreshExpiryCases(t: Harness): void {
  t.it('does not store a refresh token that has already expired', async () => {
    const store = await t.store();
    const expired = refreshRecord({ expiresAt: nowSeconds() - 1 });
    await store.saveRefreshToken(expired);
    assert.equal(await store.findRefreshToken(expired.id), undefined);
  });

  t.it('a spent token keeps its original expiry, and its successor its own', async () => {
    const store = await t.store();
    const start = await startOfSecond();
    const record = refreshRecord({ expiresAt: start + 2 });
    await store.saveRefreshToken(record);
    const next = { ...record, id: uniqueId('rt'), expiresAt: start + 3600 };
    assert.equal((await store.rotateRefreshToken(record.id, next, start)).outcome, 'rotated');
    await sleepUntilAfter(start + 3);
    assert.equal(await store.findRefreshToken(record.id), undefined);
    assert.deepStrictEqual(await store.findRefreshToken(next.id), next);
  });
}

/**
 * Waits for the next whole second and returns it. A case that writes entries living until `start + 1` then has a
 * full second to write and read them back: with `start = nowSeconds()` alone the margin is anywhere from 0 to 1 s,
 * which fails a store with a few ms of latency by chance (e.g. a database opening its first connections).
 */
async function startOfSecond(): Promise<number> {
  const next = nowSeconds() + 1;
  await sleepUntilAfter(next, 10);
  return next;
}
