// __tests__/throttle/own-account.test.ts
// Issue 19 item 2: what a success gives back belongs to the account that succeeded. Where usernames are
// case-sensitive, an attacker's own `ALICE` shares alice's buckets (its name folds like hers) but its logins never
// clear her failures nor exempt guesses at her, whether by password, MFA step-up or an expired password.

import { MemoryStore } from '../../lib';
import { EXACT, INSENSITIVE, userTableApp, type Row, type UserTableApp } from '../helpers/user-table';

const ATTACKER = '203.0.113.66';
const victim: Row = { id: 'u-alice', password: 'correct horse' };

/** A case-sensitive table (`===`, PostgreSQL's default collation) where the attacker registered `ALICE`. */
const withOwnAccount = (state?: Row['state'], overrides = {}): Promise<UserTableApp> =>
  userTableApp({ alice: victim, ALICE: { id: 'u-mallory', password: 'mallory', state } }, EXACT, overrides);

/** The attacker's own login as ALICE, to the end: the password, and the second factor when asked for one. */
async function ownLogin(app: UserTableApp, ip = ATTACKER): Promise<number> {
  const res = await app.login('ALICE', 'mallory', ip);
  if (res.status !== 403) return res.status;
  return (await app.redeem(res.body.mfa_token, ip)).status;
}

/** Rounds of four guesses at alice and one login as ALICE, from one IP; the statuses of the guesses. */
async function cycle(app: UserTableApp, rounds: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 4; i++) statuses.push((await app.login('alice', `guess-${round}-${i}`, ATTACKER)).status);
    await ownLogin(app);
  }
  return statuses;
}

describe.each([
  ['logs in with a password', undefined, 200],
  ['completes an MFA step-up', 'mfa' as const, 200],
  ['is told his password expired', 'expired' as const, 400],
])('an attacker who %s as his own ALICE', (_, state, ownStatus) => {
  it('does not reset the place where he guesses at alice: verifyUser sees alice at most 5 times, then 429', async () => {
    const app = await withOwnAccount(state);
    expect(await ownLogin(app)).toBe(ownStatus);
    const statuses = await cycle(app, 10);
    expect(app.calls('alice')).toBe(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
  });

  it.each([
    [
      'username',
      { username: { max: 3 } },
      (app: UserTableApp) => Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => app.login('alice', 'x', ip))),
    ],
    ['ip', { ip: { max: 3 } }, (app: UserTableApp) => Promise.all(['bob', 'carol', 'dave'].map((u) => app.login(u, 'x', ATTACKER)))],
  ] as const)('does not exempt guesses at alice from the full %s bucket', async (kind, throttle, fill) => {
    const app = await withOwnAccount(state, { throttle });
    expect(await ownLogin(app)).toBe(ownStatus);
    await fill(app);
    const before = app.calls('alice');
    const guesses = [];
    for (let i = 0; i < 3; i++) guesses.push(await app.login('alice', `guess-${i}`, ATTACKER));
    // A full username bucket gives a new place one attempt per window; a full IP bucket gives none.
    expect(app.calls('alice') - before).toBe(kind === 'username' ? 1 : 0);
    expect(guesses.at(-1)?.status).toBe(429);
    expect(app.server.events.at(-1)).toMatchObject({ name: 'throttled', payload: { username: 'alice', key: kind } });
  });
});

describe.each([
  ['a password', undefined],
  ['an MFA step-up', 'mfa' as const],
])("an attacker's own failure as ALICE, its check slow, then a login into ALICE by %s", (_, state) => {
  it("never clears a guess at alice made after alice's place forgot that failure", async () => {
    const app = await userTableApp({ alice: victim, ALICE: { id: 'u-mallory', password: 'mallory', state, failSeconds: 5 } }, EXACT);
    expect((await app.login('ALICE', 'wrong', ATTACKER)).status).toBe(400);
    // The place's counter ends 900 s (usernameIp.windowSeconds) after that attempt was reserved; the check took 5 s
    // more. In the gap, ALICE's failure must not count as one of the units at the place.
    app.advance(900 - 5 + 1);
    expect((await app.login('alice', 'guess-0', ATTACKER)).status).toBe(400);
    expect(await ownLogin(app)).toBe(200);
    const statuses = [];
    for (let i = 1; i < 6; i++) statuses.push((await app.login('alice', `guess-${i}`, ATTACKER)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    expect(app.calls('alice')).toBe(5);
  });
});

it("an attacker's attempt as ALICE that alice's locked place refuses never keeps ALICE's failure past that place's counter", async () => {
  const app = await userTableApp({ alice: victim, ALICE: { id: 'u-mallory', password: 'mallory' } }, EXACT);
  expect((await app.login('ALICE', 'wrong', ATTACKER)).status).toBe(400);
  for (let i = 0; i < 4; i++) expect((await app.login('alice', `guess-${i}`, ATTACKER)).status).toBe(400);
  // The place is full and locked (30 s); its counter ends 900 s after these attempts. A refused attempt as ALICE
  // near the lock's end reserves ALICE's tally again, for 900 s from then.
  app.advance(29);
  expect((await app.login('ALICE', 'wrong', ATTACKER)).status).toBe(429);
  app.advance(900 - 29 + 1);
  expect((await app.login('alice', 'guess-4', ATTACKER)).status).toBe(400);
  expect(await ownLogin(app)).toBe(200);
  const statuses = [];
  for (let i = 5; i < 10; i++) statuses.push((await app.login('alice', `guess-${i}`, ATTACKER)).status);
  expect(statuses).toEqual([400, 400, 400, 400, 429]);
  expect(app.calls('alice')).toBe(9);
});

it("a burst of ALICE's attempts refused by alice's locked place does not make ALICE's next login clear alice's guesses", async () => {
  // Each store call takes a moment, as a shared store's do: the burst's reservations and give-backs interleave.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 2));
  class SlowStore extends MemoryStore {
    override async hitBelowMany(...args: Parameters<MemoryStore['hitBelowMany']>) {
      await tick();
      return super.hitBelowMany(...args);
    }
    override async changeMany(...args: Parameters<MemoryStore['changeMany']>) {
      await tick();
      return super.changeMany(...args);
    }
  }
  const app = await userTableApp({ alice: victim, ALICE: { id: 'u-mallory', password: 'mallory' } }, EXACT, {}, (now) => new SlowStore({ now }));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 6; i++) await app.login('alice', `guess-${round}-${i}`, ATTACKER);
    // Twelve wrong ALICE logins at once, all refused by the full, locked place.
    const burst = await Promise.all(Array.from({ length: 12 }, () => app.login('ALICE', 'wrong', ATTACKER)));
    expect(burst.every((res) => res.status === 429)).toBe(true);
    app.advance(31 * 2 ** round);
    await ownLogin(app);
  }
  // Without the burst's inflated tally, ALICE's logins never reset the place nor its doubling lock: alice was tried
  // 5 times, then once per lock period at most.
  expect(app.calls('alice')).toBeLessThanOrEqual(7);
});

describe('what a success still gives back', () => {
  it('alice clears her own typos at a place, by password or by MFA step-up', async () => {
    for (const state of [undefined, 'mfa' as const]) {
      const app = await userTableApp({ alice: { ...victim, state } }, EXACT);
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 4; i++) expect((await app.login('alice', 'typo')).status).toBe(400);
        const right = await app.login('alice', 'correct horse');
        expect(right.status).toBe(state === 'mfa' ? 403 : 200);
        if (state === 'mfa') expect((await app.redeem(right.body.mfa_token)).status).toBe(200);
      }
    }
  });

  it('alice, locked out by her own typos and refused while the lock runs, gets in once it ends; her typos then expire with the window', async () => {
    // The refused attempt deleted her tally (lib/throttle/limiter.ts: a refused attempt never rewrites it), so her
    // success no longer proves the place's failures hers: they stay until the window ends. Safe side of the trade.
    const app = await userTableApp({ alice: victim }, EXACT);
    for (let i = 0; i < 5; i++) expect((await app.login('alice', 'typo')).status).toBe(400);
    app.advance(10);
    expect((await app.login('alice', 'correct horse')).status).toBe(429);
    app.advance(25);
    expect((await app.login('alice', 'correct horse')).status).toBe(200);
    // The place is still full: a typo now is refused, and the right password gets in again after the next period.
    expect((await app.login('alice', 'typo')).status).toBe(429);
    app.advance(900);
    for (let i = 0; i < 4; i++) expect((await app.login('alice', 'typo')).status).toBe(400);
    expect((await app.login('alice', 'correct horse')).status).toBe(200);
  });

  it("an expired password gives back its own attempt only: alice's earlier typos still count", async () => {
    const app = await userTableApp({ alice: { ...victim, state: 'expired' } }, EXACT);
    for (let i = 0; i < 4; i++) await app.login('alice', 'typo');
    expect((await app.login('alice', 'correct horse')).status).toBe(400);
    expect((await app.login('alice', 'typo')).status).toBe(400);
    expect((await app.login('alice', 'correct horse')).status).toBe(429);
  });

  it('a success in one spelling leaves the failures of another spelling at that place counted', async () => {
    // One account to the table; to the throttle, what "Alice" failed is not what "alice" succeeded at.
    const app = await userTableApp({ alice: victim }, INSENSITIVE);
    for (let i = 0; i < 3; i++) await app.login('Alice', 'typo');
    expect((await app.login('alice', 'correct horse')).status).toBe(200);
    expect((await app.login('alice', 'typo')).status).toBe(400);
    expect((await app.login('alice', 'typo')).status).toBe(400);
    expect((await app.login('alice', 'correct horse')).status).toBe(429);
  });
});

describe('the owner under a distributed attack on her spellings', () => {
  it('gets in on the first try at home, from a new IP, and at home after a typo there', async () => {
    const app = await userTableApp({ alice: victim }, INSENSITIVE, { throttle: { username: { max: 10 } } });
    const HOME = '192.0.2.1';
    expect((await app.login('alice', 'correct horse', HOME)).status).toBe(200);
    const spellings = ['ALICE', 'Àlice', 'alicé', 'ÁLICE', 'Alice'];
    await Promise.all(Array.from({ length: 40 }, (_, i) => app.login(spellings[i % 5], `guess-${i}`, `203.0.113.${i + 1}`)));
    expect((await app.login('alice', 'guess-again', '203.0.113.40')).status).toBe(429);

    expect((await app.login('alice', 'correct horse', HOME)).status).toBe(200);
    expect((await app.login('alice', 'correct horse', '198.51.100.50')).status).toBe(200);
    // A typo at home spends her exemption (a guesser sharing her IP gets one guess past the shared buckets, not a
    // window's worth); her place's own attempt per window still lets the right password in, and marks her again.
    expect((await app.login('alice', 'typo', HOME)).status).toBe(400);
    expect((await app.login('alice', 'correct horse', HOME)).status).toBe(200);
    expect((await app.login('alice', 'correct horse', HOME)).status).toBe(200);
  });

  it('a guesser sharing her IP gets one guess past the full username bucket on her exemption, not a window of them', async () => {
    const app = await userTableApp({ alice: victim }, INSENSITIVE, { throttle: { username: { max: 3 } } });
    const HOME = '192.0.2.1';
    expect((await app.login('alice', 'correct horse', HOME)).status).toBe(200);
    await Promise.all(['203.0.113.1', '203.0.113.2', '203.0.113.3'].map((ip) => app.login('alice', 'x', ip)));
    const before = app.calls('alice');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.login('alice', `guess-${i}`, HOME)).status);
    // One on the exemption (which it cancels), one as the place's attempt of the window, then refused.
    expect(statuses).toEqual([400, 400, 429, 429]);
    expect(app.calls('alice') - before).toBe(2);
  });
});
