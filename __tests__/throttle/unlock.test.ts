// __tests__/throttle/unlock.test.ts
// auth.unlock(username) over HTTP on every store: it lifts the locks earned against the account (per username and IP,
// per username), once per unlock, and never a per-IP lock.

import request from 'supertest';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { SESSION_STORES, type SessionTokenStore } from '../helpers/session-stores';
import type { ThrottleOptions } from '../../lib';

const attempt = (s: TestServer, username: string, password: string) =>
  request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username, password, scope: 'orders' }));

async function fail(s: TestServer, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) expect((await attempt(s, username, `wrong ${i}`)).status).toBe(400);
}

describe.each(SESSION_STORES)('auth.unlock on %s', (_name, make) => {
  let store: SessionTokenStore;
  let done: () => Promise<void>;
  beforeEach(async () => ({ store, done } = await make()));
  afterEach(() => done());

  const server = async (throttle?: ThrottleOptions): Promise<TestServer> => {
    const s = await createServer({ store, ...(throttle === undefined ? {} : { throttle }) });
    s.auth.on('account.unlocked', (payload) => s.events.push({ name: 'account.unlocked', payload }));
    return s;
  };
  const lastThrottled = (s: TestServer) => s.events.filter((e) => e.name === 'throttled').at(-1)?.payload;

  it('lifts the (username, IP) lock: the right password from that IP works, once per unlock', async () => {
    const s = await server();
    await fail(s, 'alice', 5);
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(429);
    expect(lastThrottled(s)).toMatchObject({ key: 'usernameIp' });
    // Any spelling of the account unlocks it (the throttle's folded key).
    await s.auth.unlock('ALICE');
    expect(s.events.filter((e) => e.name === 'account.unlocked').map((e) => e.payload)).toEqual([{ username: 'ALICE' }]);
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(200);
    // Failures after the unlock lock the place again, and the same unlock does not lift it twice.
    await fail(s, 'alice', 5);
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(429);
    await s.auth.unlock('alice');
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(200);
  });

  it('resets the per-username bucket', async () => {
    const s = await server({ usernameIp: false, username: { max: 2, windowSeconds: 900, lockSeconds: 30 } });
    // Two failures fill it; this place's one attempt per window goes to a third.
    await fail(s, 'alice', 3);
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(429);
    expect(lastThrottled(s)).toMatchObject({ key: 'username' });
    await s.auth.unlock('alice');
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(200);
  });

  it('never lifts a per-IP lock (a credential stuffer stays locked)', async () => {
    const s = await server({ ip: { max: 3, windowSeconds: 900, lockSeconds: 30 } });
    await fail(s, 'mallory1', 1);
    await fail(s, 'mallory2', 1);
    await fail(s, 'mallory3', 1);
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(429);
    expect(lastThrottled(s)).toMatchObject({ key: 'ip' });
    await s.auth.unlock('alice');
    await s.auth.unlock('mallory1');
    expect((await attempt(s, 'alice', 'correct horse')).status).toBe(429);
    expect(lastThrottled(s)).toMatchObject({ key: 'ip' });
  });

  it('refuses a username that is not a non-empty string as a TypeError', async () => {
    const s = await server();
    await expect(s.auth.unlock('')).rejects.toThrow(/auth\.unlock: username/);
    await expect(s.auth.unlock(7 as unknown as string)).rejects.toThrow(TypeError);
    expect(s.events.filter((e) => e.name === 'account.unlocked')).toEqual([]);
  });
});
