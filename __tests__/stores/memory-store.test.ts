// MemoryStore bounds its memory by expiring entries: lazily on read, and by one unref'd sweep timer.
import { MemoryStore, type RefreshTokenRecord } from '../../lib';

const record = (id: string, expiresAt: number, familyId = 'f1'): RefreshTokenRecord => ({
  id,
  familyId,
  clientId: 'c',
  sub: 'u',
  scope: ['a'],
  authTime: 0,
  issuedAt: 0,
  expiresAt,
});

describe('MemoryStore', () => {
  it('forgets expired entries on read and sweeps the rest', async () => {
    let now = 1_000_000_000_000;
    const store = new MemoryStore({ now: () => now });
    const t = now / 1000;
    await store.saveRefreshToken(record('a', t + 10));
    await store.saveRefreshToken(record('b', t + 20));
    await store.revokeAccessToken('j', t + 5);
    await store.hit('k', 5);
    expect(store.size).toBe(4);
    now += 11_000;
    expect(await store.findRefreshToken('a')).toBeUndefined();
    expect(await store.findRefreshToken('b')).toBeDefined();
    store.sweep();
    expect(store.size).toBe(1);
    await store.close();
  });

  it('copies values in and out', async () => {
    const store = new MemoryStore();
    const r = record('a', Date.now() / 1000 + 60);
    await store.saveRefreshToken(r);
    const found = (await store.findRefreshToken('a')) as unknown as { scope: string[] };
    found.scope.push('admin');
    expect((await store.findRefreshToken('a'))?.scope).toEqual(['a']);
    await store.close();
  });

  it('hides every token of a revoked family and broadcasts the revocation', async () => {
    const store = new MemoryStore();
    const seen: unknown[] = [];
    const off = store.onRevocation((r) => seen.push(r));
    await store.saveRefreshToken(record('a', Date.now() / 1000 + 60, 'fam'));
    await store.revokeFamily('fam', 60);
    expect(await store.findRefreshToken('a')).toBeUndefined();
    expect(await store.isAccessTokenRevoked('any', 'fam')).toBe(true);
    off();
    await store.revokeAccessToken('j', Date.now() / 1000 + 60);
    expect(seen).toEqual([{ kind: 'family', id: 'fam' }]);
    await store.close();
  });

  it('rotates once: of concurrent rotations exactly one wins, the rest see reuse', async () => {
    const store = new MemoryStore();
    const exp = Math.floor(Date.now() / 1000) + 60;
    await store.saveRefreshToken(record('old', exp));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.rotateRefreshToken('old', record(`new${i}`, exp), 1)));
    expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'reused')).toHaveLength(19);
    expect(store.size).toBe(2);
    await store.close();
  });
});
