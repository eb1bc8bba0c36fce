// __tests__/throttle/spellings.test.ts
// Issue 19 item 1: every spelling of one account counts in one bucket (the default fold, or canonicalUsername), and
// locks written under 0.1.0's key of a username still refuse after the upgrade.

import { bucket, failKey, ipBucket, levelKey, lockKey } from '../../lib/throttle/keys';
import { EXACT, INSENSITIVE, userTableApp, type Row } from '../helpers/user-table';

const ROWS: Record<string, Row> = { alice: { id: 'u-alice', password: 'correct horse' }, José: { id: 'u-jose', password: 'olé olé' } };

/** `n` distinct spellings of alice that a case- and accent-insensitive table matches to her row (never `alice`). */
function spellings(n: number): string[] {
  const variants = ['aAàáâäåãā', 'lLĺļľ', 'iIìíîïĩ', 'cCçćčĉ', 'eEèéêëē'];
  return Array.from({ length: n }, (_, k) => {
    let rest = k + 1;
    return variants
      .map((letters) => {
        const letter = [...letters][rest % letters.length];
        rest = Math.floor(rest / letters.length);
        return letter;
      })
      .join('');
  });
}

describe('spellings of one account (a table matching case- and accent-insensitively, as MySQL 8 and MariaDB do)', () => {
  it('the spellings really are alice to that table, and distinct', () => {
    const all = spellings(48);
    expect(new Set(all).size).toBe(48);
    expect(all.every((s) => s !== 'alice' && INSENSITIVE('alice', s))).toBe(true);
  });

  it('48 guesses spread over her spellings from one IP reach verifyUser no more often than 48 as alice', async () => {
    const plain = await userTableApp(ROWS, INSENSITIVE);
    for (let i = 0; i < 48; i++) await plain.login('alice', `guess-${i}`);
    const spread = await userTableApp(ROWS, INSENSITIVE);
    for (const [i, spelling] of spellings(48).entries()) await spread.login(spelling, `guess-${i}`);
    expect(plain.calls('alice')).toBe(5);
    expect(spread.calls('alice')).toBeLessThanOrEqual(plain.calls('alice'));
    // The right password in yet another spelling is refused unchecked at that IP, and gets in anywhere else.
    const refused = await spread.login('ÀLÎÇË', 'correct horse');
    expect(refused.status).toBe(429);
    expect(spread.server.events.at(-1)).toMatchObject({ name: 'throttled', payload: { username: 'ÀLÎÇË', key: 'usernameIp' } });
    expect(spread.calls('alice')).toBe(5);
    expect((await spread.login('ÀLÎÇË', 'correct horse', '192.0.2.1')).status).toBe(200);
  });

  it('48 guesses spread over her spellings and 6 IPs reach verifyUser no more often than 48 as alice', async () => {
    const ips = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5', '203.0.113.6'];
    const plain = await userTableApp(ROWS, INSENSITIVE);
    const spread = await userTableApp(ROWS, INSENSITIVE);
    const all = spellings(48);
    for (let i = 0; i < 48; i++) {
      await plain.login('alice', `guess-${i}`, ips[i % 6]);
      await spread.login(all[i], `guess-${i}`, ips[i % 6]);
    }
    expect(plain.calls('alice')).toBe(26); // the per-username bucket (20), then one more per IP
    expect(spread.calls('alice')).toBeLessThanOrEqual(plain.calls('alice'));
  });

  it('a width variant, a soft hyphen and surrounding spaces are alice too', async () => {
    const app = await userTableApp(ROWS, INSENSITIVE, { throttle: { usernameIp: { max: 3 } } });
    for (const spelling of ['ａｌｉｃｅ', 'al\u00ADice', ' Alice ']) expect((await app.login(spelling, 'wrong')).status).toBe(400);
    expect((await app.login('alice', 'correct horse')).status).toBe(429);
  });
});

describe('options.canonicalUsername', () => {
  // An app whose lookup ignores dots and case: a rule the default fold does not know.
  const dotless = (u: string): string => u.replace(/\./g, '').toLowerCase();
  const DOTLESS_LOOKUP = (name: string, typed: string): boolean => name === dotless(typed);

  it('is the key failures are counted under, in place of the default fold', async () => {
    const app = await userTableApp(ROWS, DOTLESS_LOOKUP, { canonicalUsername: dotless });
    for (const spelling of ['a.lice', 'al.ice', 'ali.ce', 'alic.e', 'A.L.I.C.E']) expect((await app.login(spelling, 'wrong')).status).toBe(400);
    expect((await app.login('.alice', 'correct horse')).status).toBe(429);
    expect(app.calls('alice')).toBe(5);
  });

  it('a throw is a 500 server_error and an error event naming the option, before verifyUser, reserving nothing', async () => {
    let broken = true;
    const canonicalUsername = (u: string): string => {
      if (broken) throw new Error('tenant table not loaded');
      return u.toLowerCase();
    };
    const app = await userTableApp(ROWS, EXACT, { canonicalUsername, throttle: { usernameIp: { max: 2 } } });
    for (let i = 0; i < 4; i++) {
      const res = await app.login('alice', 'correct horse');
      expect(res.status).toBe(500);
      expect(res.body.error).toBe('server_error');
    }
    expect(app.calls()).toBe(0);
    const errors = app.server.events.filter((e) => e.name === 'error');
    expect(errors).toHaveLength(4);
    expect(errors[0].payload).toMatchObject({
      detail: 'options.canonicalUsername threw',
      cause: expect.objectContaining({ message: 'tenant table not loaded' }),
    });
    broken = false;
    // The broken attempts left no unit behind: the place still has its two attempts.
    expect((await app.login('alice', 'wrong')).status).toBe(400);
    expect((await app.login('alice', 'wrong')).status).toBe(400);
    expect((await app.login('alice', 'correct horse')).status).toBe(429);
  });

  it.each([
    ['a number', () => 42],
    ['an empty string', () => ''],
    ['a string over 4 times limits.username', (u: string) => u.repeat(1025)],
    ['a promise (it must be synchronous)', async (u: string) => u],
    ['a rejected promise', async () => Promise.reject(new Error('async lookup'))],
  ])('returning %s is a 500 server_error naming the option, before verifyUser', async (_, canonicalUsername) => {
    const app = await userTableApp(ROWS, EXACT, { canonicalUsername: canonicalUsername as unknown as (u: string) => string });
    const res = await app.login('alice', 'correct horse');
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(app.calls()).toBe(0);
    expect(app.server.events.find((e) => e.name === 'error')?.payload).toMatchObject({ detail: 'options.canonicalUsername returned no usable key' });
  });
});

describe('upgrading from 0.1.0', () => {
  /** How 0.1.0 keyed a username (lib/throttle/keys.ts at 7c18849). */
  const keyOf010 = (username: string): string => username.normalize('NFKC').trim().toLowerCase();
  const IP = '203.0.113.9';

  it.each([
    ['José', 'olé olé'], // 0.1.0's key "josé" is not the new "jose": the lock is found under the old key
    ['ALICE', 'correct horse'], // 0.1.0's key "alice" is the new key: the lock is simply where it was
  ])('a live lock 0.1.0 wrote for %j still refuses after the upgrade, until it ends', async (typed, password) => {
    const app = await userTableApp(ROWS, INSENSITIVE);
    const place = bucket('usernameIp', `${keyOf010(typed)}\0${ipBucket(IP)}`);
    for (let i = 0; i < 5; i++) await app.store.hitBelow(failKey(place), 5, 900);
    await app.store.hitBelow(lockKey(place), 1, 30);
    await app.store.hit(levelKey(place), 900);

    const refused = await app.login(typed, password, IP);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(30);
    expect(app.server.events.at(-1)).toMatchObject({ name: 'throttled', payload: { key: 'usernameIp' } });
    expect(app.calls()).toBe(0);
    app.advance(30);
    expect((await app.login(typed, password, IP)).status).toBe(200);
  });
});
