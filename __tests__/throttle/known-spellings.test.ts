// __tests__/throttle/known-spellings.test.ts
// One account logging in as many spellings (a case-insensitive lookup) leaves a few "succeeded here" markers per place.

import { RedisStore } from '../../lib';
import { accountBucket, ipBucket, knownKey } from '../../lib/throttle/keys';
import { MAX_KNOWN_SPELLINGS } from '../../lib/throttle/limiter';
import type { CounterStore } from '../../lib/stores/shared/counter-store';
import { deletePrefix, REDIS_URL, redisClient, uniquePrefix } from '../helpers/redis';
import { INSENSITIVE, userTableApp } from '../helpers/user-table';

const ROWS = { mallory: { id: 'u-mallory', password: 'my own password' }, alice: { id: 'u-alice', password: 'correct horse' } };
const IP = '198.51.100.7';

/** `n` distinct case variants of `name` (never `name` itself), one account to a case-insensitive table. */
const spellings = (name: string, n: number): string[] =>
  Array.from({ length: n }, (_, k) => [...name].map((c, i) => ((k + 1) & (1 << i) ? c.toUpperCase() : c)).join(''));

/** How many of `typed` have a live "succeeded here" marker at IP. */
async function markers(store: CounterStore, typed: readonly string[]): Promise<number> {
  const found = await Promise.all(typed.map((u) => store.peek(knownKey(accountBucket(u, ipBucket(IP))))));
  return found.filter((m) => m !== undefined).length;
}

describe('"succeeded here" markers of one account typed many ways at one IP (a case-insensitive user table)', () => {
  it(`20 successful logins as 20 spellings write at most ${MAX_KNOWN_SPELLINGS} markers (MemoryStore)`, async () => {
    const app = await userTableApp(ROWS, INSENSITIVE);
    const typed = spellings('mallory', 20);
    expect(new Set(typed).size).toBe(20);
    for (const u of typed) expect((await app.login(u, 'my own password')).status).toBe(200);
    expect(await markers(app.store, typed)).toBe(MAX_KNOWN_SPELLINGS);
    // The spellings remembered first stay remembered, and their refresh past half-life still goes.
    app.advance(16 * 86400);
    expect((await app.login(typed[0], 'my own password')).status).toBe(200);
    app.advance(16 * 86400);
    expect(await markers(app.store, [typed[0]])).toBe(1);
    expect(await markers(app.store, typed)).toBe(1);
  });

  it('refreshing one spelling month after month leaves room for another spelling of the account', async () => {
    const app = await userTableApp(ROWS, INSENSITIVE);
    for (let i = 0; i < 2 * MAX_KNOWN_SPELLINGS; i++) {
      expect((await app.login('alice', 'correct horse')).status).toBe(200);
      app.advance(16 * 86400); // past half of rememberSuccessSeconds (30 days): the next success rewrites the marker
    }
    expect((await app.login('Alice', 'correct horse')).status).toBe(200);
    expect(await markers(app.store, ['alice', 'Alice'])).toBe(2);
  });

  (REDIS_URL ? it : it.skip)(`on Redis: 20 spellings leave at most ${MAX_KNOWN_SPELLINGS} marker keys under thr:k:`, async () => {
    const client = redisClient();
    const prefix = uniquePrefix('known-spellings');
    try {
      const store = new RedisStore({ client, prefix });
      const app = await userTableApp(ROWS, INSENSITIVE, { store });
      for (const u of spellings('mallory', 20)) expect((await app.login(u, 'my own password')).status).toBe(200);
      const [, keys] = await client.scan('0', 'MATCH', `${prefix}ctr:thr:k:*`, 'COUNT', 10_000);
      expect(keys).toHaveLength(MAX_KNOWN_SPELLINGS);
    } finally {
      await deletePrefix(client, prefix);
      await client.quit();
    }
  });
});
