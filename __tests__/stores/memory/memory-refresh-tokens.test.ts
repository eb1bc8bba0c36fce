// __tests__/stores/memory/memory-refresh-tokens.test.ts
// MemoryStore keeps each refresh-token family as a chain back from its current token: ending a session deletes the
// whole family, however many rotations it had, the chain staying whole when a successor expires first.

import { MemoryStore, type RefreshTokenRecord, type SessionRecord } from '../../../lib';

const T = 1_700_000_000;

const session = (id: string, sub = 'u-1', expiresAt = T + 100_000): SessionRecord => ({
  id,
  sub,
  clientId: 'c',
  scope: ['a'],
  createdAt: T,
  lastUsedAt: T,
  expiresAt,
});
const token = (id: string, familyId: string, expiresAt: number, sub = 'u-1'): RefreshTokenRecord => ({
  id,
  familyId,
  clientId: 'c',
  sub,
  scope: ['a'],
  authTime: T,
  issuedAt: T,
  expiresAt,
  username: `${sub}@example.com`,
});

/** A session of `sub` whose first token is rotated `rotations` times; the ids of its tokens, oldest first. */
async function rotated(store: MemoryStore, sid: string, rotations: number, sub = 'u-1'): Promise<string[]> {
  const first = token(`${sid}-0`, sid, T + 50_000, sub);
  await store.saveSession({ ...session(sid, sub), refreshTokenId: first.id }, { refreshToken: first, maxPerUser: 100 });
  const ids = [first.id];
  for (let i = 1; i <= rotations; i++) {
    const next = token(`${sid}-${i}`, sid, T + 50_000 + i, sub);
    expect((await store.rotateRefreshToken(ids[i - 1], next, T + i)).outcome).toBe('rotated');
    ids.push(next.id);
  }
  return ids;
}

describe('MemoryStore refresh-token families', () => {
  it('ending a session deletes every token of its family, however long its chain, and nothing of another', async () => {
    const store = new MemoryStore({ now: () => T * 1000 });
    const ended = await rotated(store, 'ended', 50);
    const kept = await rotated(store, 'kept', 3, 'u-2');
    expect(store.size).toBe(51 + 4 + 2);
    expect(await store.endSession('ended')).toBe(true);
    // 51 tokens and a session gone; the family's revocation mark added.
    expect(store.size).toBe(4 + 1 + 1);
    for (const id of kept) expect((await store.findRefreshToken(id))?.sub).toBe('u-2');
    expect(await store.rotateRefreshToken(ended[0], token('again', 'ended', T + 60_000), T + 60)).toEqual({ outcome: 'invalid' });
    await store.close();
  });

  it('keeps a chain whole when a successor expires before the token it replaced (a refreshTokenTTL lowered meanwhile)', async () => {
    let now = T * 1000;
    const store = new MemoryStore({ now: () => now });
    const first = token('long', 'fam', T + 1000);
    await store.saveSession({ ...session('fam'), refreshTokenId: first.id }, { refreshToken: first, maxPerUser: 100 });
    const short = token('short', 'fam', T + 10);
    expect((await store.rotateRefreshToken(first.id, short, T + 1)).outcome).toBe('rotated');
    const last = token('last', 'fam', T + 2000);
    expect((await store.rotateRefreshToken(short.id, last, T + 5)).outcome).toBe('rotated');
    now = (T + 20) * 1000;
    store.sweep();
    // Past its own expiry: never found again, though kept as long as the token before it, for the walk back.
    expect(await store.findRefreshToken(short.id)).toBeUndefined();
    expect(await store.findRefreshToken(first.id)).toMatchObject({ spentAt: T + 1, successorId: short.id });
    expect(store.size).toBe(3 + 1);
    expect(await store.endSession('fam')).toBe(true);
    // Only the revocation mark is left.
    expect(store.size).toBe(1);
    await store.close();
  });

  it('a rotation of a token saved without a session is stored and linked like any other', async () => {
    const store = new MemoryStore({ now: () => T * 1000 });
    await store.saveRefreshToken(token('alone', 'no-session', T + 100));
    expect((await store.rotateRefreshToken('alone', token('alone-next', 'no-session', T + 200), T + 1)).outcome).toBe('rotated');
    expect(await store.findRefreshToken('alone-next')).toEqual(token('alone-next', 'no-session', T + 200));
    expect(await store.findRefreshToken('alone')).toEqual({ ...token('alone', 'no-session', T + 100), spentAt: T + 1, successorId: 'alone-next' });
    expect(await store.endSession('no-session')).toBe(false);
    await store.close();
  });
});
