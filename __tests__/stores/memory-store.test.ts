// MemoryStore bounds its memory by expiring entries: lazily on read, and by one unref'd sweep timer.
import { ConfigError, MemoryStore, type RefreshTokenRecord } from '../../lib';

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

describe('MemoryStore maxEntries (counters and replay markers)', () => {
  it('drops the least recently written half when full, never refresh tokens, revocations or values', async () => {
    const store = new MemoryStore({ maxEntries: 4 });
    const t = Date.now() / 1000;
    await store.saveRefreshToken(record('rt', t + 600, 'fam'));
    await store.revokeFamily('fam', 600);
    await store.put('mfa', 'pending', 600);
    await store.hit('a', 60);
    await store.claimOnce('jti-1', 60);
    await store.hit('b', 60); // the newer half is full: a and jti-1 become the older half
    await store.hit('a', 60); // rewritten: newer again
    await store.hit('c', 60); // the newer half (b, a) is full: it becomes the older half, jti-1 is dropped
    expect(store.size).toBe(3 + 3);
    expect(await store.claimOnce('jti-1', 60)).toBe(true); // forgotten
    expect((await store.peek('a'))?.count).toBe(2);
    expect((await store.peek('c'))?.count).toBe(1);
    for (let i = 0; i < 100; i++) await store.hitBelow(`x${i}`, 5, 60);
    expect(store.size).toBe(3 + 4);
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

describe('MemoryStore options', () => {
  it.each([
    ['a string interval (Node would sweep every millisecond)', { sweepIntervalMs: '60000' }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.sweepIntervalMs must be a positive integer'],
    ['a zero interval', { sweepIntervalMs: 0 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.sweepIntervalMs must be a positive integer'],
    ['an interval past what timers accept', { sweepIntervalMs: 2 ** 31 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.sweepIntervalMs must be at most 2147483647'],
    ['a clock that is not a function', { now: 1 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.now must be a function'],
    ['a cap below 2', { maxEntries: 1 }, 'ERR_EPG_INVALID_OPTION', 'MemoryStore: options.maxEntries must be an integer >= 2'],
    ['a misspelt option', { sweepIntervalMS: 1000 }, 'ERR_EPG_UNKNOWN_OPTION', 'MemoryStore: options.sweepIntervalMS is not a known option; did you mean sweepIntervalMs?'],
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
