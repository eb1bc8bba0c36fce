// __tests__/bench/prefill.test.ts
// The bench's prefill helper: stores exactly `count` distinct, findable refresh tokens of other users' logins.

import { MemoryStore } from '../../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prefill, refreshRecord } = require('../../bench/prefill') as {
  prefill: (store: MemoryStore, count: number, options?: { inFlight?: number; now?: number }) => Promise<number>;
  refreshRecord: (i: number, now: number) => { id: string; familyId: string; expiresAt: number };
};

describe('bench/prefill', () => {
  it('saves count distinct records, whatever the number in flight', async () => {
    for (const inFlight of [1, 7]) {
      const store = new MemoryStore();
      const ids: string[] = [];
      const spy = {
        saveRefreshToken: async (r: { id: string }) => {
          ids.push(r.id);
          await store.saveRefreshToken(r as never);
        },
      };
      await expect(prefill(spy as never, 1000, { inFlight })).resolves.toBe(1000);
      expect(new Set(ids).size).toBe(1000);
      expect(store.size).toBe(1000);
      expect(await store.findRefreshToken(ids[999])).toMatchObject({ id: ids[999], clientId: 'web' });
      await store.close();
    }
  });

  it('gives each login a fresh family and a live expiry', () => {
    const now = 1_800_000_000;
    const [a, b] = [refreshRecord(0, now), refreshRecord(1, now)];
    expect(a.familyId).not.toBe(b.familyId);
    expect(a.expiresAt).toBeGreaterThan(now);
  });

  it('rejects a count or concurrency that is not a non-negative integer', async () => {
    const store = new MemoryStore();
    await expect(prefill(store, -1)).rejects.toThrow(TypeError);
    await expect(prefill(store, 10, { inFlight: 0 })).rejects.toThrow(TypeError);
    await expect(prefill(store, 0)).resolves.toBe(0);
    await store.close();
  });
});
