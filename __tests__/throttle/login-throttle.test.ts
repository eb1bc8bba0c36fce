// __tests__/throttle/login-throttle.test.ts
// Brute-force protection of the password grant: lockouts, growing delays, soft buckets, trust proxy, forwarded IPs.

import request from 'supertest';
import { MemoryStore, type CappedHitRequest, type Client, type CounterBatch, type PasswordGrantOptions } from '../../lib';
import { bucket, failKey, ipBucket, foldUsername, lockKey } from '../../lib/throttle/keys';
import { basic, createServer, form, loadFixture, verifyUserFrom, WEB_SECRET, type TestServer } from '../helpers/server';

interface Clocked {
  server: TestServer;
  advance: (seconds: number) => void;
  verifyCalls: () => number;
  /** The store the server uses, on the same clock. */
  store: MemoryStore;
}

/** A server with a movable clock shared by the store and the library, and a count of verifyUser calls. */
async function clocked(overrides: Partial<PasswordGrantOptions> = {}): Promise<Clocked> {
  let now = Math.floor(Date.now() / 1000) * 1000; // whole seconds: Retry-After is exact
  let calls = 0;
  const f = await loadFixture();
  const verify = verifyUserFrom(f) as (u: string, p: string) => Promise<unknown>;
  const store = new MemoryStore({ now: () => now });
  const server = await createServer({
    now: () => now,
    store,
    verifyUser: async (u: string, p: string) => {
      calls += 1;
      return (await verify(u, p)) as never;
    },
    ...overrides,
  });
  server.app.set('trust proxy', true);
  return { server, advance: (s) => (now += s * 1000), verifyCalls: () => calls, store };
}

function login(s: TestServer, username: string, password: string, ip = '198.51.100.7', client = 'cli') {
  return request(s.app)
    .post('/oauth2/token')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send(form({ grant_type: 'password', client_id: client, username, password }));
}

describe('failed logins per username and IP', () => {
  it('answers 429 slow_down with Retry-After after 5 failures, without calling verifyUser', async () => {
    const { server, verifyCalls } = await clocked();
    for (let i = 0; i < 5; i++) expect((await login(server, 'alice', 'wrong')).status).toBe(400);
    expect(verifyCalls()).toBe(5);
    const res = await login(server, 'alice', 'correct horse');
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'slow_down', error_description: expect.any(String) });
    expect(Number(res.headers['retry-after'])).toBe(30);
    expect(verifyCalls()).toBe(5); // no password oracle while locked
    const throttled = server.events.filter((e) => e.name === 'throttled');
    expect(throttled).toEqual([{ name: 'throttled', payload: { clientId: 'cli', ip: '198.51.100.7', username: 'alice', key: 'usernameIp', retryAfter: 30 } }]);
  });

  it('counts Retry-After from when the store answered: a slow store never makes it point past the lock', async () => {
    let now = Math.floor(Date.now() / 1000) * 1000;
    let slow = false;
    /** Each batch read answers two seconds after it was asked, as a store under load might. */
    class SlowStore extends MemoryStore {
      override async hitBelowMany(hits: readonly CappedHitRequest[], peeks: readonly string[]): Promise<CounterBatch> {
        const batch = await super.hitBelowMany(hits, peeks);
        if (slow) now += 2000;
        return batch;
      }
    }
    const store = new SlowStore({ now: () => now });
    const server = await createServer({ now: () => now, store });
    server.app.set('trust proxy', true);
    for (let i = 0; i < 5; i++) expect((await login(server, 'alice', 'wrong')).status).toBe(400);
    const lock = await store.peek(lockKey(bucket('usernameIp', `${foldUsername('alice')}\0${ipBucket('198.51.100.7')}`)));
    slow = true;
    const refused = await login(server, 'alice', 'correct horse');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(lock!.resetAt - now / 1000);
  });

  it('lets a burst of parallel guesses through only up to the threshold', async () => {
    const { server, verifyCalls } = await clocked();
    const answers = await Promise.all(Array.from({ length: 25 }, () => login(server, 'alice', 'wrong')));
    expect(verifyCalls()).toBe(5);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20);
  });

  it('after a lock ends, a parallel burst again gets exactly one guess', async () => {
    const { server, advance, verifyCalls } = await clocked({ throttle: { usernameIp: { max: 2, windowSeconds: 100, lockSeconds: 10 } } });
    await login(server, 'alice', 'wrong');
    await login(server, 'alice', 'wrong');
    advance(10);
    const answers = await Promise.all(Array.from({ length: 10 }, () => login(server, 'alice', 'wrong')));
    expect(verifyCalls()).toBe(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(9);
  });

  it('doubles the delay with every failure after the lock ends, capped at the window', async () => {
    const { server, advance } = await clocked({ throttle: { usernameIp: { max: 2, windowSeconds: 100, lockSeconds: 10 } } });
    await login(server, 'alice', 'wrong');
    await login(server, 'alice', 'wrong');
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const locked = await login(server, 'alice', 'wrong');
      expect(locked.status).toBe(429);
      const retryAfter = Number(locked.headers['retry-after']);
      delays.push(retryAfter);
      advance(retryAfter);
      expect((await login(server, 'alice', 'wrong')).status).toBe(400); // one more guess, which extends the lock
    }
    expect(delays).toEqual([10, 20, 40, 80, 100]);
  });

  it('forgets failures once the window has passed', async () => {
    const { server, advance } = await clocked({ throttle: { usernameIp: { max: 2, windowSeconds: 60, lockSeconds: 10 } } });
    await login(server, 'alice', 'wrong');
    advance(61);
    await login(server, 'alice', 'wrong');
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
  });

  it('a success clears the username+IP counter', async () => {
    const { server } = await clocked();
    for (let i = 0; i < 4; i++) await login(server, 'alice', 'wrong');
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(server, 'alice', 'wrong')).status).toBe(400);
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
  });

  it('counts usernames case- and width-insensitively, so spelling variants share a bucket', async () => {
    const { server } = await clocked({ throttle: { usernameIp: { max: 3 } } });
    for (const u of ['alice', 'ALICE', ' Alice ']) await login(server, u, 'wrong');
    expect((await login(server, 'ａｌｉｃｅ', 'wrong')).status).toBe(429);
  });

  it('a lock at one IP does not lock the same user out at another IP', async () => {
    const { server } = await clocked();
    for (let i = 0; i < 6; i++) await login(server, 'alice', 'wrong', '203.0.113.66');
    expect((await login(server, 'alice', 'correct horse', '203.0.113.66')).status).toBe(429);
    expect((await login(server, 'alice', 'correct horse', '198.51.100.7')).status).toBe(200);
  });

  it('counts IPv6 addresses by their /64, so rotating through one prefix does not help', async () => {
    const { server } = await clocked({ throttle: { usernameIp: { max: 3 } } });
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9']) await login(server, 'alice', 'wrong', ip);
    expect((await login(server, 'alice', 'wrong', '2001:db8:1:2:abcd::1')).status).toBe(429);
    expect((await login(server, 'alice', 'correct horse', '2001:db8:1:3::1')).status).toBe(200);
  });
});

describe('reservations', () => {
  it('gives the attempt back when verifyUser fails with a server error (no verdict on the password)', async () => {
    let broken = true;
    const f = await loadFixture();
    const verify = verifyUserFrom(f) as (u: string, p: string) => Promise<never>;
    const { server } = await clocked({
      verifyUser: async (u: string, p: string) => {
        if (broken) throw new Error('database down');
        return verify(u, p);
      },
    });
    for (let i = 0; i < 8; i++) expect((await login(server, 'alice', 'correct horse')).status).toBe(500);
    broken = false;
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
  });

  it('remembers a pair on its first success, and rewrites the mark only once past half its life', async () => {
    const writes: string[] = [];
    let now = Math.floor(Date.now() / 1000) * 1000;
    class Recording extends MemoryStore {
      override hit(key: string, windowSeconds: number) {
        if (key.startsWith('thr:k:')) writes.push(key);
        return super.hit(key, windowSeconds);
      }
    }
    const { server } = await clocked({ now: () => now, store: new Recording({ now: () => now }), throttle: { rememberSuccessSeconds: 1000 } });
    for (let i = 0; i < 3; i++) expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
    expect(writes).toHaveLength(1);
    now += 499_000;
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
    expect(writes).toHaveLength(1);
    now += 2_000;
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
    expect(writes).toHaveLength(2);
  });

  // A process that dies between hitBelow and startLock leaves its units counted on a shared store, and no lock. Such a
  // bucket used to refuse every attempt until its window ran out (15 min, 1 h), while Retry-After said 30 or 60 s.
  it.each([
    ['usernameIp', bucket('usernameIp', `${foldUsername('alice')}\0${ipBucket('198.51.100.7')}`), 5, 900, 30],
    ['ip', bucket('ip', ipBucket('198.51.100.7')), 100, 3600, 60],
  ] as const)('the %s bucket, filled by units nobody will release, starts its lock, like any full bucket', async (_, b, max, window, lock) => {
    const { server, advance, verifyCalls, store } = await clocked();
    for (let i = 0; i < max; i++) expect((await store.hitBelow(failKey(b), max, window)).added).toBe(true);
    const refused = await login(server, 'alice', 'correct horse');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(lock);
    expect(verifyCalls()).toBe(0);
    advance(lock);
    // The lock's period is over: one attempt, then a lock twice as long, as after any lock.
    expect((await login(server, 'alice', 'wrong')).status).toBe(400);
    const next = await login(server, 'alice', 'correct horse');
    expect(next.status).toBe(429);
    expect(Number(next.headers['retry-after'])).toBe(2 * lock);
    advance(2 * lock);
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
    expect(verifyCalls()).toBe(2);
  });
});

describe('the softer per-username limit', () => {
  it('gives each new IP one attempt per window once full, and never refuses an IP where the user logged in recently', async () => {
    const { server, verifyCalls } = await clocked({ throttle: { username: { max: 10 } } });
    expect((await login(server, 'alice', 'correct horse', '192.0.2.1')).status).toBe(200); // alice's usual IP
    for (let i = 0; i < 10; i++) expect((await login(server, 'alice', 'wrong', `203.0.113.${i}`)).status).toBe(400);
    expect((await login(server, 'alice', 'wrong', '203.0.113.200')).status).toBe(400); // a new place: one attempt
    const calls = verifyCalls();
    const attacker = await login(server, 'alice', 'correct horse', '203.0.113.200');
    expect(attacker.status).toBe(429);
    expect(verifyCalls()).toBe(calls);
    expect(Number(attacker.headers['retry-after'])).toBe(3600);
    expect(server.events.at(-1)).toMatchObject({ name: 'throttled', payload: { key: 'username' } });
    // The real user is not locked out where they usually log in, nor anywhere new on the first try.
    expect((await login(server, 'alice', 'correct horse', '192.0.2.1')).status).toBe(200);
    expect((await login(server, 'alice', 'correct horse', '198.51.100.50')).status).toBe(200);
  });

  it('is not cleared by a success, so the user logging in does not give a distributed guesser a fresh start', async () => {
    const { server } = await clocked({ throttle: { username: { max: 5 } } });
    for (let i = 0; i < 4; i++) await login(server, 'bob', 'wrong', `203.0.113.${i}`);
    expect((await login(server, 'bob', 'hunter2', '192.0.2.1')).status).toBe(200);
    await login(server, 'bob', 'wrong', '203.0.113.50');
    expect((await login(server, 'bob', 'wrong', '203.0.113.51')).status).toBe(400);
    expect((await login(server, 'bob', 'wrong', '203.0.113.51')).status).toBe(429);
  });

  it('with rememberSuccessSeconds: 0 nobody is exempt', async () => {
    const { server } = await clocked({ throttle: { username: { max: 3 }, rememberSuccessSeconds: 0 } });
    expect((await login(server, 'alice', 'correct horse', '192.0.2.1')).status).toBe(200);
    for (let i = 0; i < 3; i++) await login(server, 'alice', 'wrong', `203.0.113.${i}`);
    expect((await login(server, 'alice', 'wrong', '192.0.2.1')).status).toBe(400);
    expect((await login(server, 'alice', 'correct horse', '192.0.2.1')).status).toBe(429);
  });
});

describe('the per-IP limit (credential stuffing)', () => {
  it('locks an IP that fails with many usernames, for every username, not other IPs', async () => {
    const { server } = await clocked({ throttle: { ip: { max: 8 } } });
    for (let i = 0; i < 8; i++) expect((await login(server, `user${i}@example.com`, 'Password1', '203.0.113.9')).status).toBe(400);
    const res = await login(server, 'alice', 'correct horse', '203.0.113.9');
    expect(res.status).toBe(429);
    expect(server.events.at(-1)).toMatchObject({ name: 'throttled', payload: { key: 'ip' } });
    expect((await login(server, 'alice', 'correct horse', '198.51.100.1')).status).toBe(200);
  });
});

describe('configuration', () => {
  it('throttle: false turns it all off', async () => {
    const { server } = await clocked({ throttle: false });
    for (let i = 0; i < 12; i++) expect((await login(server, 'alice', 'wrong')).status).toBe(400);
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
  });

  it('a bucket set to false is not counted', async () => {
    const { server } = await clocked({ throttle: { usernameIp: false, username: { max: 50 } } });
    for (let i = 0; i < 8; i++) await login(server, 'alice', 'wrong');
    expect((await login(server, 'alice', 'correct horse')).status).toBe(200);
  });

  it.each([
    [{ throttle: 'yes' }, 'options.throttle must be an object or false'],
    [{ throttle: { usernameIP: {} } }, 'options.throttle.usernameIP is not a known option'],
    [{ throttle: { ip: { max: 0 } } }, 'options.throttle.ip.max must be a positive integer'],
    [{ throttle: { ip: { maxx: 3 } } }, 'options.throttle.ip.maxx is not a known option; did you mean max?'],
    [{ throttle: { username: { lockSeconds: 7200 } } }, 'options.throttle.username.lockSeconds must be at most options.throttle.username.windowSeconds'],
    [{ throttle: { rememberSuccessSeconds: -1 } }, 'options.throttle.rememberSuccessSeconds must be a non-negative integer'],
  ])('rejects %j at construction', async (bad, message) => {
    await expect(createServer(bad as Partial<PasswordGrantOptions>)).rejects.toThrow(message);
  });

  it('keeps its counters in the store, so two instances sharing a store share them', async () => {
    const store = new MemoryStore();
    const a = await createServer({ store });
    const b = await createServer({ store });
    for (let i = 0; i < 5; i++) await login(a, 'alice', 'wrong', '::ffff:127.0.0.1');
    const res = await login(b, 'alice', 'correct horse');
    expect(res.status).toBe(429);
  });
});

describe('which IP is counted', () => {
  it('ignores X-Forwarded-For unless Express trusts the proxy', async () => {
    const { server } = await clocked();
    server.app.set('trust proxy', false);
    for (let i = 0; i < 5; i++) await login(server, 'alice', 'wrong', `203.0.113.${i}`);
    // Different X-Forwarded-For values, but without trust proxy they are one address: the socket's.
    expect((await login(server, 'alice', 'correct horse', '198.51.100.99')).status).toBe(429);
  });

  async function withBackend(client: Partial<Client>) {
    const f = await loadFixture();
    const backend: Client = { ...f.clients.get('web')!, id: 'web', ...client };
    const c = await clocked({ findClient: (id: string) => (id === 'web' ? backend : (f.clients.get(id) ?? null)) });
    c.server.app.set('trust proxy', false);
    return c;
  }
  const viaBackend = (s: TestServer, userIp: string, password: string, header = 'X-End-User-IP') =>
    request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', WEB_SECRET))
      .set(header, userIp)
      .type('form')
      .send(form({ grant_type: 'password', username: 'alice', password }));

  it("keys on the end user's IP a confidential client passes in its opted-in forwardedIpHeader", async () => {
    const { server } = await withBackend({ forwardedIpHeader: 'x-end-user-ip' });
    for (let i = 0; i < 5; i++) await viaBackend(server, '203.0.113.66', 'wrong');
    expect((await viaBackend(server, '203.0.113.66', 'correct horse')).status).toBe(429);
    expect((await viaBackend(server, '198.51.100.7', 'correct horse')).status).toBe(200);
    const failed = server.events.find((e) => e.name === 'login.failed');
    expect(failed?.payload).toMatchObject({ ip: '203.0.113.66', clientId: 'web' });
  });

  it('ignores the header for a client that did not opt in', async () => {
    const { server } = await withBackend({});
    for (let i = 0; i < 5; i++) await viaBackend(server, `203.0.113.${i}`, 'wrong');
    expect((await viaBackend(server, '198.51.100.7', 'correct horse')).status).toBe(429);
  });

  it('ignores the header for a public client even if configured, and a value that is not an IP', async () => {
    const f = await loadFixture();
    const cli: Client = { ...f.clients.get('cli')!, forwardedIpHeader: 'x-end-user-ip' };
    const { server } = await clocked({ findClient: (id: string) => (id === 'cli' ? cli : null) });
    server.app.set('trust proxy', false);
    const publicLogin = (ip: string, password: string) =>
      request(server.app)
        .post('/oauth2/token')
        .set('X-End-User-IP', ip)
        .type('form')
        .send(form({ grant_type: 'password', client_id: 'cli', username: 'alice', password }));
    for (let i = 0; i < 5; i++) await publicLogin(`203.0.113.${i}`, 'wrong');
    expect((await publicLogin('198.51.100.7', 'correct horse')).status).toBe(429);
  });

  it('falls back to req.ip when the opted-in header is not an IP address', async () => {
    const { server } = await withBackend({ forwardedIpHeader: 'x-end-user-ip' });
    for (let i = 0; i < 5; i++) await viaBackend(server, `not-an-ip-${i}`, 'wrong');
    expect((await viaBackend(server, 'still-not', 'correct horse')).status).toBe(429);
  });
});
