// __tests__/bearer/fake-timers.test.ts
// The default clocks read the time at each call, so an app testing expiry with fake timers sees expired tokens refused.

import request from 'supertest';
import { MemoryStore } from '../../lib';
import { createServer } from '../helpers/server';
import { decodeJwt, loginWeb, postAsWeb } from '../helpers/login';

type FakeTimersConfig = NonNullable<Parameters<typeof jest.useFakeTimers>[0]>;

/** Jest's modern fake timers replacing Date only: timers and I/O stay real, so supertest and bcrypt still run. */
const ONLY_DATE: FakeTimersConfig = {
  doNotFake: [
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'requestAnimationFrame',
    'cancelAnimationFrame',
    'requestIdleCallback',
    'cancelIdleCallback',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ],
};

afterEach(() => {
  jest.useRealTimers();
});

describe('default clocks under fake timers (jest.setSystemTime)', () => {
  it('refuses a token past exp + clockTolerance in requireToken, verifyAccessToken and /introspect', async () => {
    // Built before the fake timers are installed, as an app's module-level setup is.
    const { app, auth } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    // Accepted now, which also puts it in the verified-token cache.
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
    const exp = decodeJwt(tokens.access_token).payload.exp as number;

    jest.useFakeTimers(ONLY_DATE);
    jest.setSystemTime((exp + 5 + 10) * 1000); // past exp + the default clockTolerance (5 s)

    const api = await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(api.status).toBe(401);
    expect(api.headers['www-authenticate']).toContain('error="invalid_token"');
    await expect(auth.verifyAccessToken(tokens.access_token)).rejects.toMatchObject({ error: 'invalid_token' });
    expect((await postAsWeb(app, '/introspect', { token: tokens.access_token })).body).toEqual({ active: false });
  });

  it('expires refresh tokens by the faked time (MemoryStore and the refresh grant)', async () => {
    const { app } = await createServer();
    const tokens = await loginWeb(app, 'orders');
    jest.useFakeTimers(ONLY_DATE);
    jest.setSystemTime(Date.now() + 1_209_600 * 1000 + 1000); // past the default refreshTokenTTL
    expect((await postAsWeb(app, '/introspect', { token: tokens.refresh_token! })).body).toEqual({ active: false });
    const res = await postAsWeb(app, '/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('a MemoryStore built before the fake timers expires its entries by the faked time', async () => {
    const store = new MemoryStore();
    try {
      await store.put('k', 'v', 10);
      expect(await store.claimOnce('once', 10)).toBe(true);
      jest.useFakeTimers(ONLY_DATE);
      jest.setSystemTime(Date.now() + 11_000);
      expect(await store.take('k')).toBeUndefined();
      expect(await store.claimOnce('once', 10)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('the default store follows the now option', () => {
  it('keeps refresh tokens by the app clock, not the wall clock', async () => {
    const now = Date.parse('2020-01-01T00:00:00Z');
    // `store: undefined`: the default MemoryStore, which reads `now` too (a year-old clock no longer drops records).
    const { app } = await createServer({ store: undefined, now: () => now });
    const tokens = await loginWeb(app, 'orders');
    const res = await postAsWeb(app, '/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(res.status).toBe(200);
    expect((await postAsWeb(app, '/introspect', { token: res.body.refresh_token })).body.active).toBe(true);
  });
});
