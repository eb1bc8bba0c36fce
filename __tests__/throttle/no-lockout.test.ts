// __tests__/throttle/no-lockout.test.ts
// Issue 10 item 1: throttling cannot be turned against others. A lock blocks only the credential being guessed, from
// where it is being guessed: attack traffic never makes a legitimate client or user fail elsewhere.

import request from 'supertest';
import { MemoryStore, type PasswordGrantOptions } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';

/**
 * Two instances sharing one store, as behind a load balancer: the attack reaches one, legitimate traffic the other
 * (so nothing rests on what one process remembers in memory).
 */
async function pair(overrides: Partial<PasswordGrantOptions> = {}): Promise<{ attacked: TestServer; other: TestServer }> {
  const store = new MemoryStore();
  const [attacked, other] = await Promise.all([createServer({ store, ...overrides }), createServer({ store, ...overrides })]);
  attacked.app.set('trust proxy', true);
  other.app.set('trust proxy', true);
  return { attacked, other };
}

const post = (s: TestServer, ip: string, params: Record<string, string>, secret?: string) => {
  const req = request(s.app).post('/oauth2/token').set('X-Forwarded-For', ip).type('form');
  return (secret === undefined ? req : req.set('Authorization', basic('web', secret))).send(form(params));
};
const webLogin = (s: TestServer, ip: string, secret = WEB_SECRET, password = 'correct horse') =>
  post(s, ip, { grant_type: 'password', username: 'alice', password, scope: 'offline_access orders' }, secret);
const cliLogin = (s: TestServer, ip: string, password = 'correct horse', username = 'alice') =>
  post(s, ip, { grant_type: 'password', client_id: 'cli', username, password });
const webRefresh = (s: TestServer, ip: string, refreshToken: string) => post(s, ip, { grant_type: 'refresh_token', refresh_token: refreshToken }, WEB_SECRET);
const cliRefresh = (s: TestServer, ip: string, refreshToken: string) =>
  post(s, ip, { grant_type: 'refresh_token', client_id: 'cli', refresh_token: refreshToken });

const BACKEND = '10.0.0.8';
const ATTACKER = '203.0.113.5';

describe('wrong client secrets, no credentials needed', () => {
  it('60 parallel wrong secrets from one IP lock nobody else: users, refresh grants, new IPs, the backend', async () => {
    const { attacked, other } = await pair();
    const before = await webLogin(other, BACKEND);
    expect(before.status).toBe(200);
    const userAtHome = await cliLogin(other, '192.0.2.1');
    expect(userAtHome.status).toBe(200);

    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => webLogin(attacked, ATTACKER, `wrong-${i}`)));
    expect(burst.every((r) => r.status === 401 || r.status === 429)).toBe(true);

    expect((await cliLogin(other, '192.0.2.1')).status).toBe(200); // the user who logged in before, elsewhere
    const refreshed = await webRefresh(other, BACKEND, before.body.refresh_token); // the refresh grant
    expect(refreshed.status).toBe(200);
    expect((await cliRefresh(other, '192.0.2.1', userAtHome.body.refresh_token)).status).toBe(200);
    expect((await webLogin(other, '198.51.100.77')).status).toBe(200); // a new IP
    expect((await webLogin(other, BACKEND)).status).toBe(200); // the confidential client's own backend
    // Only the guessing place is locked: the attacker's IP, for this client...
    expect((await webLogin(other, ATTACKER, 'one more guess')).status).toBe(429);
    // ...and even there a secret this instance already verified guesses nothing, so it is not refused.
    expect((await webLogin(other, ATTACKER)).status).toBe(200);
  });

  it('a refresh grant from the guessing IP itself is not refused by client buckets it did not fill', async () => {
    const { attacked, other } = await pair();
    const before = await webLogin(other, BACKEND);
    expect(before.status).toBe(200);
    await Promise.all(Array.from({ length: 60 }, (_, i) => webLogin(attacked, ATTACKER, `wrong-${i}`)));
    // `attacked` never verified the right secret, so nothing in its memory helps: the live refresh token does.
    const refreshed = await webRefresh(attacked, ATTACKER, before.body.refresh_token);
    expect(refreshed.status).toBe(200);
    // A guess without a live refresh token of this client gets no such way round the lock.
    const bogus = post(attacked, ATTACKER, { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }, 'guess-x');
    expect((await bogus).status).toBe(429);
    // The refresh token's own budget is its holder's: wrong secrets with it lock only that grant's refreshes.
    const guess = (i: number) => post(attacked, ATTACKER, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }, `guess-${i}`);
    for (let i = 0; i < 10; i++) expect((await guess(i)).status).toBe(401);
    expect((await guess(10)).status).toBe(429);
  });

  it('60 wrong secrets spread over 60 IPs lock neither the backend nor a new backend IP, while each guessing IP is refused', async () => {
    const { attacked, other } = await pair();
    const before = await webLogin(other, BACKEND);
    expect(before.status).toBe(200);
    await Promise.all(Array.from({ length: 60 }, (_, i) => webLogin(attacked, `203.0.113.${i + 1}`, `wrong-${i}`)));

    expect((await webLogin(other, BACKEND)).status).toBe(200);
    expect((await webRefresh(other, BACKEND, before.body.refresh_token)).status).toBe(200);
    expect((await webLogin(other, '198.51.100.77')).status).toBe(200); // right secret, first try, from a new IP
    // Each guessing IP had its one attempt while the per-client bucket is full: another guess is refused unchecked.
    const again = await webLogin(attacked, '203.0.113.60', 'wrong-again');
    expect(again.status).toBe(429);
    expect(attacked.events.at(-1)).toMatchObject({ name: 'throttled', payload: { key: 'client' } });
  });

  it('a public client cannot be locked by client-auth failures: bogus secrets leave its logins and refreshes alone', async () => {
    const { attacked, other } = await pair();
    const before = await cliLogin(other, '192.0.2.1');
    expect(before.status).toBe(200);
    const bogus = (i: number) =>
      post(attacked, ATTACKER, { grant_type: 'password', client_id: 'cli', client_secret: `x${i}`, username: 'alice', password: 'p' });
    // 20, not 60: each bogus secret costs a dummy bcrypt compare at the default cost (no timing oracle).
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => bogus(i)));
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(401));
    expect((await cliRefresh(other, '192.0.2.1', before.body.refresh_token)).status).toBe(200);
    expect((await cliLogin(other, '198.51.100.9')).status).toBe(200);
    expect((await cliLogin(attacked, ATTACKER)).status).toBe(200); // even from the attacker's IP: nothing to guess
  });

  it('a backend that shares its IP with a guesser keeps working while it keeps calling, past the memory of one verification', async () => {
    let ms = Math.floor(Date.now() / 1000) * 1000;
    const store = new MemoryStore({ now: () => ms });
    const s = await createServer({ store, now: () => ms });
    s.app.set('trust proxy', true);
    expect((await webLogin(s, ATTACKER)).status).toBe(200); // the backend, behind the same NAT as the guesser
    const statuses: number[] = [];
    for (let minute = 0; minute < 12; minute += 1) {
      // Each minute the guesser spends whatever the lock lets through, then the backend calls with its secret.
      await Promise.all(Array.from({ length: 12 }, (_, i) => webLogin(s, ATTACKER, `wrong-${minute}-${i}`)));
      statuses.push((await webLogin(s, ATTACKER)).status);
      ms += 60_000;
    }
    expect(statuses).toEqual(Array.from({ length: 12 }, () => 200));
    await store.close();
  });

  it('failures of unknown client ids count under the sending IP only', async () => {
    const { attacked, other } = await pair();
    const unknown = (ip: string, i: number) => post(attacked, ip, { grant_type: 'password', client_id: `nobody-${i}`, username: 'alice', password: 'p' });
    for (let i = 0; i < 30; i++) await unknown(ATTACKER, i);
    expect((await unknown(ATTACKER, 99)).status).toBe(429);
    expect((await unknown('198.51.100.3', 99)).status).toBe(401); // another IP is unaffected
    expect((await webLogin(other, ATTACKER)).status).toBe(200); // and so is a real client, even at that IP
  });
});

describe('wrong passwords', () => {
  it('a distributed burst against one username lets its owner in, at home and from a new IP, on the first try', async () => {
    const { attacked, other } = await pair();
    expect((await cliLogin(other, '192.0.2.1')).status).toBe(200);
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => cliLogin(attacked, `203.0.113.${i + 1}`, `guess-${i}`)));
    expect(burst.every((r) => r.status === 400 || r.status === 429)).toBe(true);

    expect((await cliLogin(other, '192.0.2.1')).status).toBe(200);
    expect((await cliLogin(other, '198.51.100.50')).status).toBe(200);
    // A guessing IP gets nothing more.
    expect((await cliLogin(attacked, '203.0.113.60', 'guess-again')).status).toBe(429);
  });

  it('credential stuffing from one IP locks that IP for unknown pairs, never other IPs or users who log in there', async () => {
    const { attacked, other } = await pair({ throttle: { ip: { max: 20 } } });
    expect((await cliLogin(other, ATTACKER, 'hunter2', 'bob')).status).toBe(200); // bob logs in behind the same NAT
    await Promise.all(Array.from({ length: 40 }, (_, i) => cliLogin(attacked, ATTACKER, 'Password1', `user${i}@example.com`)));
    expect((await cliLogin(other, ATTACKER)).status).toBe(429); // a new pair at the stuffing IP
    expect((await cliLogin(other, ATTACKER, 'hunter2', 'bob')).status).toBe(200);
    expect((await cliLogin(other, '198.51.100.4')).status).toBe(200);
  });
});
