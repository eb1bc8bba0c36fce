// lib/testing/session-cases.ts
// Contract cases for sessions: saved with their first refresh token, listed by user, touched by rotation (details
// included), ended by hand or by the per-user cap (their family revoked, their refresh tokens deleted with them).

import assert from 'node:assert/strict';
import type { RefreshTokenRecord } from '../stores/shared/refresh-token-store';
import type { Revocation } from '../stores/shared/revocation-store';
import type { SessionRecord } from '../stores/shared/session-store';
import type { FullStore } from './harness';
import { eventually, firstTokenOf, nowSeconds, sessionRecord, sleepUntilAfter, successorOf, uniqueId } from './fixtures';
import type { Harness } from './harness';
import { listening } from './revocation-cases';

const MAX = 100;

/** Declares the session cases. */
export function sessionCases(t: Harness): void {
  t.it('saves a session and finds it as an equal copy, the reserved ip and userAgent included', async () => {
    const store = await t.store();
    const session = sessionRecord({ ip: '2001:db8::1', userAgent: 'Zoë/1.0' });
    await store.saveSession(session, { maxPerUser: MAX });
    const found = await store.findSession(session.id);
    assert.deepStrictEqual(found, session);
    assert.notStrictEqual(found, session, 'the store must copy values out, not hand back the saved object');
    assert.equal(await store.findSession(uniqueId('sid')), undefined);
  });

  t.it('saves a session with its first refresh token in one call: both are found', async () => {
    const store = await t.store();
    const base = sessionRecord();
    const token = firstTokenOf(base);
    const session = { ...base, refreshTokenId: token.id };
    await store.saveSession(session, { refreshToken: token, maxPerUser: MAX });
    assert.deepStrictEqual(await store.findSession(session.id), session);
    assert.deepStrictEqual(await store.findRefreshToken(token.id), token);
  });

  t.it("lists a user's sessions most recently used first, only theirs, a page at a time", async () => {
    const store = await t.store();
    const sub = uniqueId('user');
    const now = nowSeconds();
    const sessions = [3, 1, 2].map((age) => sessionRecord({ sub, lastUsedAt: now - age * 10 }));
    for (const session of sessions) await store.saveSession(session, { maxPerUser: MAX });
    await store.saveSession(sessionRecord(), { maxPerUser: MAX });
    const [oldest, newest, middle] = sessions;
    assert.deepStrictEqual(await store.listSessions(sub), [newest, middle, oldest]);
    assert.deepStrictEqual(await store.listSessions(sub, { limit: 2 }), [newest, middle]);
    assert.deepStrictEqual(await store.listSessions(sub, { before: middle.lastUsedAt }), [oldest]);
    assert.deepStrictEqual(await store.listSessions(uniqueId('nobody')), []);
  });

  t.it('pages by `before` without skipping or repeating sessions used in the same second: a page never splits them', async () => {
    const store = await t.store();
    const sub = uniqueId('user');
    const base = uniqueId('sid');
    const now = nowSeconds();
    // Seconds as from a fixed clock; within one, ids descending. B0 and C0 revoked, C3 ended: present, never listed.
    const layout: Array<[string, number]> = [
      ['A3', 0],
      ['A2', 0],
      ['A1', 0],
      ['B1', 1],
      ['B0', 1],
      ['C4', 2],
      ['C3', 2],
      ['C2', 2],
      ['C1', 2],
      ['C0', 2],
      ['D1', 3],
      ['D0', 3],
    ];
    const byName = new Map(layout.map(([name, age]) => [name, sessionRecord({ sub, id: `${base}-${name}`, lastUsedAt: now - age })]));
    // Saved in an order of neither time nor id.
    for (const name of ['C2', 'A1', 'D0', 'B1', 'C4', 'A3', 'C0', 'D1', 'B0', 'C1', 'A2', 'C3'])
      await store.saveSession(byName.get(name)!, { maxPerUser: MAX });
    for (const name of ['B0', 'C0']) await store.revokeFamily(byName.get(name)!.id, 600);
    assert.equal(await store.endSession(byName.get('C3')!.id), true);
    const names = (list: readonly { id: string }[]): string[] => list.map((x) => x.id.slice(base.length + 1));
    assert.deepStrictEqual(names(await store.listSessions(sub)), ['A3', 'A2', 'A1', 'B1', 'C4', 'C2', 'C1', 'D1', 'D0']);
    // A page ends before a group of equal lastUsedAt that the limit would cut, or holds all of it when it starts the page.
    const expected: Record<number, string[][]> = {
      1: [['A3', 'A2', 'A1'], ['B1'], ['C4', 'C2', 'C1'], ['D1', 'D0']],
      2: [['A3', 'A2', 'A1'], ['B1'], ['C4', 'C2', 'C1'], ['D1', 'D0']],
      3: [['A3', 'A2', 'A1'], ['B1'], ['C4', 'C2', 'C1'], ['D1', 'D0']],
      4: [
        ['A3', 'A2', 'A1', 'B1'],
        ['C4', 'C2', 'C1'],
        ['D1', 'D0'],
      ],
      9: [['A3', 'A2', 'A1', 'B1', 'C4', 'C2', 'C1', 'D1', 'D0']],
    };
    for (const [limit, pages] of Object.entries(expected)) {
      const seen: string[][] = [];
      let before: number | undefined;
      // Until an empty page, as the documentation tells callers (bounded here, so a store that repeats fails).
      while (seen.length <= 9) {
        const page = await store.listSessions(sub, before === undefined ? { limit: Number(limit) } : { limit: Number(limit), before });
        if (page.length === 0) break;
        seen.push(names(page));
        before = page[page.length - 1].lastUsedAt;
      }
      assert.deepStrictEqual(seen, pages, `pages of limit ${limit}`);
    }
    assert.deepStrictEqual(
      await store.listSessions(sub, { limit: 2, before: now - 1 }),
      ['C4', 'C2', 'C1'].map((name) => byName.get(name)),
    );
  });

  t.it('orders sessions used in the same second by id, descending by its UTF-8 bytes', async () => {
    const store = await t.store();
    const sub = uniqueId('user');
    const base = uniqueId('sid');
    const lastUsedAt = nowSeconds();
    // Byte order, not UTF-16 order (U+FF21 sorts above U+1F600's surrogates there) nor a locale's (a before B).
    const suffixes = ['-', 'B', '_', 'a', 'é', '\uff21', '\u{1f600}'];
    for (const suffix of [...suffixes].reverse()) await store.saveSession(sessionRecord({ sub, id: `${base}${suffix}`, lastUsedAt }), { maxPerUser: MAX });
    const listed = (await store.listSessions(sub)).map((x) => x.id.slice(base.length));
    assert.deepStrictEqual(listed, [...suffixes].reverse());
    // All in one second: the first page holds them all, the next (before that second) none.
    const page = await store.listSessions(sub, { limit: 2 });
    assert.deepStrictEqual(
      page.map((x) => x.id.slice(base.length)),
      listed,
    );
    assert.deepStrictEqual(await store.listSessions(sub, { limit: 2, before: lastUsedAt }), []);
  });

  t.it('a rotation of its refresh token sets the session lastUsedAt and refreshTokenId, and moves it first', async () => {
    const store = await t.store();
    const now = nowSeconds();
    const base = sessionRecord({ lastUsedAt: now - 100 });
    const other = sessionRecord({ sub: base.sub, lastUsedAt: now - 50 });
    const token = firstTokenOf(base);
    await store.saveSession({ ...base, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: MAX });
    await store.saveSession(other, { maxPerUser: MAX });
    const next = successorOf(token);
    assert.equal((await store.rotateRefreshToken(token.id, next, now)).outcome, 'rotated');
    const touched = { ...base, lastUsedAt: now, refreshTokenId: next.id };
    assert.deepStrictEqual(await store.findSession(base.id), touched);
    assert.deepStrictEqual(await store.listSessions(base.sub), [touched, other]);
  });

  t.it('a rotation with details sets the session ip and userAgent, one without leaves them, empty details remove them', async () => {
    const store = await t.store();
    const now = nowSeconds();
    const base = sessionRecord({ lastUsedAt: now - 100, ip: '192.0.2.1', userAgent: 'Login/1.0' });
    const first = firstTokenOf(base);
    await store.saveSession({ ...base, refreshTokenId: first.id }, { refreshToken: first, maxPerUser: MAX });
    const tokens = [first, successorOf(first), successorOf(first), successorOf(first), successorOf(first)];
    const rotate = async (i: number, details?: { ip?: string; userAgent?: string }): Promise<void> => {
      assert.equal((await store.rotateRefreshToken(tokens[i - 1].id, tokens[i], now + i, details)).outcome, 'rotated');
    };
    const { ip: _ip, userAgent: _ua, ...bare } = base;
    await rotate(1, { ip: '2001:db8::7', userAgent: 'Zoë/2.0 "quoted" \\ ,"ip":' });
    assert.deepStrictEqual(await store.findSession(base.id), {
      ...bare,
      lastUsedAt: now + 1,
      refreshTokenId: tokens[1].id,
      ip: '2001:db8::7',
      userAgent: 'Zoë/2.0 "quoted" \\ ,"ip":',
    });
    await rotate(2);
    assert.deepStrictEqual(await store.findSession(base.id), {
      ...bare,
      lastUsedAt: now + 2,
      refreshTokenId: tokens[2].id,
      ip: '2001:db8::7',
      userAgent: 'Zoë/2.0 "quoted" \\ ,"ip":',
    });
    await rotate(3, {});
    assert.deepStrictEqual(await store.findSession(base.id), { ...bare, lastUsedAt: now + 3, refreshTokenId: tokens[3].id });
    await rotate(4, { userAgent: 'Only/1' });
    assert.deepStrictEqual(await store.listSessions(base.sub), [{ ...bare, lastUsedAt: now + 4, refreshTokenId: tokens[4].id, userAgent: 'Only/1' }]);
  });

  t.it(
    'ending a session deletes every refresh token of its family, spent ones included, revoked or not: none comes back once its mark has expired',
    async () => {
      const store = await t.store();
      const now = nowSeconds();
      const sub = uniqueId('user');
      // Sessions that end (and so their revocation marks) in 2 s, with refresh tokens that would live an hour.
      const ended = await rotatedSession(store, sessionRecord({ sub, expiresAt: now + 2, ip: '192.0.2.9', userAgent: 'Gone/1' }), 3);
      const revokedFirst = await rotatedSession(store, sessionRecord({ sub, expiresAt: now + 2 }), 2);
      const kept = await rotatedSession(store, sessionRecord({ sub }), 2);
      await store.revokeFamily(revokedFirst.session.id, 1);
      assert.equal(await store.endSession(ended.session.id), true);
      assert.equal(await store.endSession(revokedFirst.session.id), true, 'a session whose family was revoked is still there to end');
      await sleepUntilAfter(now + 2);
      for (const { tokens } of [ended, revokedFirst]) {
        for (const token of tokens) assert.equal(await store.findRefreshToken(token.id), undefined, 'a refresh token of an ended session came back');
        // Neither rotated nor reported as reused: there is nothing left of it.
        assert.deepStrictEqual(await store.rotateRefreshToken(tokens[0].id, successorOf(tokens[0]), nowSeconds()), { outcome: 'invalid' });
      }
      assert.equal(await store.findSession(ended.session.id), undefined);
      assert.equal(await store.endSession(ended.session.id), false);
      // The user's other session, and its spent tokens, are untouched.
      assert.deepStrictEqual(await store.listSessions(sub), [kept.session]);
      for (const token of kept.tokens) assert.equal((await store.findRefreshToken(token.id))?.id, token.id);
    },
  );

  t.it('ending a session hides it, stops its refresh token and revokes its sid, and is broadcast', async () => {
    const store = await t.store();
    const seen: Array<Revocation | undefined> = [];
    if (store.onRevocation !== undefined) {
      store.onRevocation((r) => seen.push(r));
      await listening(store, seen);
    }
    const base = sessionRecord();
    const token = firstTokenOf(base);
    await store.saveSession({ ...base, refreshTokenId: token.id }, { refreshToken: token, maxPerUser: MAX });
    assert.equal(await store.endSession(base.id), true);
    assert.equal(await store.findSession(base.id), undefined);
    assert.deepStrictEqual(await store.listSessions(base.sub), []);
    assert.equal(await store.findRefreshToken(token.id), undefined);
    assert.deepStrictEqual(await store.rotateRefreshToken(token.id, successorOf(token), nowSeconds()), { outcome: 'invalid' });
    assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), base.id), true);
    assert.equal(await store.endSession(base.id), false);
    if (store.onRevocation !== undefined)
      await eventually(() => seen.some((r) => r?.kind === 'family' && r.id === base.id), 'the broadcast of the ended session');
  });

  t.it('a session whose family is revoked is neither found nor listed', async () => {
    const store = await t.store();
    const session = sessionRecord();
    await store.saveSession(session, { maxPerUser: MAX });
    await store.revokeFamily(session.id, 600);
    assert.equal(await store.findSession(session.id), undefined);
    assert.deepStrictEqual(await store.listSessions(session.sub), []);
  });

  t.it('beyond maxPerUser the least recently used sessions are ended, their refresh tokens and sids with them', async () => {
    const store = await t.store();
    const sub = uniqueId('user');
    const now = nowSeconds();
    const saved = [];
    for (const age of [40, 30, 20, 10]) {
      const base = sessionRecord({ sub, lastUsedAt: now - age });
      const token = firstTokenOf(base);
      const session = { ...base, refreshTokenId: token.id };
      await store.saveSession(session, { refreshToken: token, maxPerUser: 3 });
      saved.push({ session, token });
    }
    const [oldest, ...kept] = saved;
    assert.equal(await store.findSession(oldest.session.id), undefined);
    assert.equal(await store.findRefreshToken(oldest.token.id), undefined);
    assert.equal(await store.isAccessTokenRevoked(uniqueId('jti'), oldest.session.id), true);
    assert.deepStrictEqual(await store.listSessions(sub), kept.map((k) => k.session).reverse());
    for (const { token } of kept) assert.deepStrictEqual(await store.findRefreshToken(token.id), token);
    const last = sessionRecord({ sub, lastUsedAt: now });
    await store.saveSession(last, { maxPerUser: 1 });
    assert.deepStrictEqual(await store.listSessions(sub), [last]);
  });
}

/**
 * Saves `base` with its first refresh token, then rotates it `rotations` times (a second apart, in the past): the
 * session as it is then, and its tokens, oldest (spent) first.
 */
async function rotatedSession(store: FullStore, base: SessionRecord, rotations: number): Promise<{ session: SessionRecord; tokens: RefreshTokenRecord[] }> {
  const first = firstTokenOf(base);
  await store.saveSession({ ...base, refreshTokenId: first.id }, { refreshToken: first, maxPerUser: MAX });
  const tokens: RefreshTokenRecord[] = [first];
  const start = nowSeconds() - rotations;
  for (let i = 1; i <= rotations; i++) {
    const next = successorOf(first);
    assert.equal((await store.rotateRefreshToken(tokens[i - 1].id, next, start + i)).outcome, 'rotated');
    tokens.push(next);
  }
  return { session: { ...base, lastUsedAt: start + rotations, refreshTokenId: tokens[rotations].id }, tokens };
}

/** Shared cases: a session saved through one handle is seen through the other. */
export function sessionPeerCases(t: Harness): void {
  const { peer } = t;
  if (peer === undefined) return;
  t.it('a session saved through one handle is found, listed and ended through the other', async () => {
    const a = await t.store();
    const b = await peer(a);
    const session = sessionRecord();
    await a.saveSession(session, { maxPerUser: MAX });
    assert.deepStrictEqual(await b.findSession(session.id), session);
    assert.deepStrictEqual(await b.listSessions(session.sub), [session]);
    assert.equal(await b.endSession(session.id), true);
    assert.equal(await a.findSession(session.id), undefined);
  });
}
