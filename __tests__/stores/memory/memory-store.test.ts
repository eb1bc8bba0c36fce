// MemoryStore bounds its memory by expiring entries: lazily on read, and by one unref'd sweep timer.
import { ConfigError, isStoreFullError, MemoryStore, StoreFullError, type RefreshTokenRecord } from '../../../lib';

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

describe('MemoryStore maxEntries (throttle counters)', () => {
  it('drops the least recently written half of a full budget, never refresh tokens, revocations, values or markers', async () => {
    const store = new MemoryStore({ maxEntries: 4 });
    const t = Date.now() / 1000;
    await store.saveRefreshToken(record('rt', t + 600, 'fam'));
    await store.revokeFamily('fam', 600);
    await store.put('mfa', 'pending', 600);
    await store.claimOnce('jti-1', 60);
    await store.hit('a', 60);
    await store.hit('d', 60);
    await store.hit('b', 60); // the newer half is full: a and d become the older half
    await store.hit('a', 60); // rewritten: newer again
    await store.hit('c', 60); // the newer half (b, a) is full: it becomes the older half, d is dropped
    expect(store.size).toBe(4 + 3);
    expect(await store.peek('d')).toBeUndefined();
    expect((await store.peek('a'))?.count).toBe(2);
    expect((await store.peek('c'))?.count).toBe(1);
    for (let i = 0; i < 100; i++) await store.hitBelow(`x${i}`, 5, 60);
    expect(store.size - 4).toBeLessThanOrEqual(4); // the rt, fam, mfa and jti-1 entries, plus at most 4 counters
    expect(await store.claimOnce('jti-1', 60)).toBe(false); // a marker is never pushed out by counters
    expect(await store.findRefreshToken('rt')).toBeUndefined(); // its family is revoked: the mark survived
    await store.saveRefreshToken(record('rt2', t + 600, 'other'));
    expect(await store.findRefreshToken('rt2')).toBeDefined();
    expect(await store.take('mfa')).toBe('pending');
    await store.close();
  });

  it('defaults to 100,000 under a flood of 300,000 counters, and refuses a cap below 2', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 300_000; i++) await store.hitBelow(`k${i}`, 5, 60);
    expect(store.size).toBeLessThanOrEqual(100_000);
    expect(store.size).toBeGreaterThanOrEqual(50_000);
    await store.close();
    for (const bad of [1, 0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryStore({ maxEntries: bad })).toThrow('MemoryStore: options.maxEntries must be an integer >= 2');
    }
  });
});

// Issue 19 item 5: a flood of one kind of state must not evict what another kind closed. Each test floods, then checks
// that what was shut stays shut; each failed on the single shared budget of before.
describe('MemoryStore budgets per kind: a flood never reopens a lock or a replay', () => {
  /** A bucket locked the way lib/throttle/limiter.ts locks it: its failure counter full, a lock and a lock level. */
  async function lockBucket(store: MemoryStore, name: string): Promise<void> {
    for (let i = 0; i < 5; i++) await store.hitBelow(`thr:f:${name}`, 5, 900);
    await store.hitBelow(`thr:l:${name}`, 1, 30);
    await store.hit(`thr:n:${name}`, 900);
  }

  async function expectLocked(store: MemoryStore, name: string): Promise<void> {
    expect(await store.hitBelow(`thr:f:${name}`, 5, 900)).toMatchObject({ count: 5, added: false });
    expect(await store.hitBelow(`thr:l:${name}`, 1, 30)).toMatchObject({ added: false });
    expect((await store.peek(`thr:n:${name}`))?.count).toBe(1);
  }

  it('a flood of replay markers (DPoP proofs) leaves a lock, its full failure counter and its level in place', async () => {
    const store = new MemoryStore({ maxEntries: 8 });
    await lockBucket(store, 'usernameIp:victim');
    for (let i = 0; i < 1000; i++) expect(await store.claimOnce(`dpop:flood-${i}`, 60)).toBe(true);
    await expectLocked(store, 'usernameIp:victim');
    await store.close();
  });

  it('a flood of failures from many places (counters below their max, tight claims) leaves a lock in place', async () => {
    const store = new MemoryStore({ maxEntries: 8 });
    await lockBucket(store, 'usernameIp:victim');
    for (let i = 0; i < 1000; i++) {
      await store.hitBelow(`thr:f:usernameIp:u${i}`, 5, 900);
      await store.hitBelow(`thr:f:ip:ip${i}`, 100, 3600);
      await store.hitBelow(`thr:t:username:alice:usernameIp:u${i}`, 1, 3600);
    }
    await expectLocked(store, 'usernameIp:victim');
    await store.close();
  });

  it('a flood of failures leaves a place\'s "succeeded here" mark, which exempts it from shared buckets', async () => {
    const store = new MemoryStore({ maxEntries: 8 });
    await store.hit('thr:k:usernameIp:alice-home', 3600);
    for (let i = 0; i < 1000; i++) await store.hitBelow(`thr:f:ip:ip${i}`, 100, 3600);
    expect((await store.peek('thr:k:usernameIp:alice-home'))?.count).toBe(1);
    await store.close();
  });

  it('a flood of markers never forgets a live marker while the budget has room: the earlier claim is still refused', async () => {
    const store = new MemoryStore({ maxEntries: 8 });
    expect(await store.claimOnce('dpop:earlier', 60)).toBe(true);
    for (let i = 0; i < 1000; i++) await store.claimOnce(`dpop:flood-${i}`, 60);
    expect(await store.claimOnce('dpop:earlier', 60)).toBe(false);
    await store.close();
  });
});

describe('MemoryStore maxMarkers (replay markers, per kind)', () => {
  it('full of live markers, forgets the first to expire and refuses its replay with StoreFullError, never true', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ maxMarkers: 4, now: () => now });
    expect(await store.claimOnce('dpop:early', 10)).toBe(true); // expires at t + 10 s
    now += 1000;
    for (let i = 0; i < 4; i++) expect(await store.claimOnce(`dpop:flood-${i}`, 60)).toBe(true);
    expect(store.size).toBe(4);
    // The replay of the forgotten proof asks for the same absolute expiry (t + 10 s): the store cannot tell, so it says so.
    const replay = store.claimOnce('dpop:early', 9);
    await expect(replay).rejects.toBeInstanceOf(StoreFullError);
    await expect(replay).rejects.toMatchObject({ code: 'ERR_EPG_STORE_FULL', name: 'StoreFullError' });
    expect(isStoreFullError(await replay.catch((e: unknown) => e))).toBe(true);
    // So does any claim expiring that early (it may be the replay of a forgotten one); a later one is remembered.
    await expect(store.claimOnce('dpop:never-seen', 10)).rejects.toBeInstanceOf(StoreFullError);
    expect(await store.claimOnce('dpop:fresh', 60)).toBe(true);
    expect(await store.claimOnce('dpop:fresh', 60)).toBe(false);
    expect(await store.claimOnce('dpop:flood-3', 60)).toBe(false);
    // Making room for dpop:fresh forgot flood-0, which expires at t + 61 s: the floor rose there. Once it is in the
    // past, short claims are judged as usual again.
    await expect(store.claimOnce('dpop:short', 30)).rejects.toBeInstanceOf(StoreFullError);
    now += 61_000;
    expect(await store.claimOnce('dpop:later', 1)).toBe(true);
    await store.close();
  });

  it('drops expired markers first, without refusing anything', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ maxMarkers: 2, now: () => now });
    await store.claimOnce('dpop:a', 1);
    await store.claimOnce('dpop:b', 1);
    now += 2000;
    expect(await store.claimOnce('dpop:c', 5)).toBe(true);
    expect(await store.claimOnce('dpop:d', 5)).toBe(true);
    expect(await store.claimOnce('dpop:a', 5)).toBe(true); // expired long ago: a new claim, not a full store
    await store.close();
  });

  it('budgets each kind apart: a flood of DPoP proofs neither forgets nor refuses a client assertion', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ maxMarkers: 3, now: () => now });
    expect(await store.claimOnce('client_assertion:a', 300)).toBe(true);
    for (let i = 0; i < 50; i++) {
      now += 1000;
      expect(await store.claimOnce(`dpop:flood-${i}`, 60)).toBe(true);
    }
    expect(await store.claimOnce('client_assertion:a', 300)).toBe(false);
    expect(await store.claimOnce('client_assertion:b', 5)).toBe(true);
    await expect(store.claimOnce('dpop:short', 5)).rejects.toBeInstanceOf(StoreFullError);
    expect(store.size).toBe(3 + 2);
    await store.close();
  });

  it('budgets each client apart within client_assertion, for more clients than there are kinds', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ maxMarkers: 2, now: () => now });
    for (let i = 0; i < 5; i++) {
      now += 3000;
      expect(await store.claimOnce(`client_assertion/flood:${i}`, 305)).toBe(true);
    }
    await expect(store.claimOnce('client_assertion/flood:late', 60)).rejects.toBeInstanceOf(StoreFullError);
    for (let c = 0; c < 40; c++) expect(await store.claimOnce(`client_assertion/c${c}:a`, 60)).toBe(true);
    expect(await store.claimOnce('client_assertion/c39:a', 60)).toBe(false);
    await store.close();
  });

  it('keeps an emptied kind while its floor can still refuse a replay, then lets it go', async () => {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ maxMarkers: 1, now: () => now });
    expect(await store.claimOnce('client_assertion/a:long', 100)).toBe(true);
    expect(await store.claimOnce('client_assertion/a:short', 10)).toBe(true); // forgets `long`, expiring at +100 s
    now += 20_000;
    store.sweep(); // `short` expired: the kind holds no marker, but its floor still covers `long`
    await expect(store.claimOnce('client_assertion/a:long', 80)).rejects.toBeInstanceOf(StoreFullError);
    now += 100_000;
    store.sweep();
    expect(store.size).toBe(0);
    expect(await store.claimOnce('client_assertion/a:long', 80)).toBe(true);
    await store.close();
  });

  it('refuses a budget below 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10']) {
      expect(() => new MemoryStore({ maxMarkers: bad as number })).toThrow('MemoryStore: options.maxMarkers must be an integer >= 1');
    }
  });
});

describe('MemoryStore options', () => {
  it.each([
    [
      'a string interval (Node would sweep every millisecond)',
      { sweepIntervalMs: '60000' },
      'ERR_EPG_INVALID_OPTION',
      'MemoryStore: options.sweepIntervalMs must be a positive integer',
    ],
    ['a zero interval', { sweepIntervalMs: 0 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.sweepIntervalMs must be a positive integer'],
    [
      'an interval past what timers accept',
      { sweepIntervalMs: 2 ** 31 },
      'ERR_EPG_INVALID_OPTION',
      'MemoryStore: options.sweepIntervalMs must be at most 2147483647',
    ],
    ['a clock that is not a function', { now: 1 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.now must be a function'],
    ['a cap below 2', { maxEntries: 1 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.maxEntries must be an integer >= 2'],
    ['a marker budget of 0', { maxMarkers: 0 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.maxMarkers must be an integer >= 1'],
    [
      'a misspelt option',
      { sweepIntervalMS: 1000 },
      'ERR_EPG_UNKNOWN_OPTION',
      'MemoryStore: options.sweepIntervalMS is not a known option; did you mean sweepIntervalMs?',
    ],
    ['options that are not an object', 'fast', 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options must be an object'],
  ])('refuses %s with a ConfigError', (_name, options, code, message) => {
    let thrown: unknown;
    try {
      new MemoryStore(options as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ code, message });
  });
});
