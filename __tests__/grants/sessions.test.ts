// __tests__/grants/sessions.test.ts
// Every login has a session, in every store, over HTTP: with or without a refresh token, findable by user, touched
// by each refresh, capped per user (the least recently used ends, its tokens with it); a store without sessions
// keeps working; maxSessionsPerUser needs one.

import { createHash } from 'node:crypto';
import request from 'supertest';
import { ConfigError, MemoryStore, type SessionRecord, type TokenStore } from '../../lib';
import { loginCli } from '../helpers/login';
import { createServer, form } from '../helpers/server';
import { SESSION_STORES, type SessionTokenStore } from '../helpers/session-stores';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');
const sidOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid;

describe.each(SESSION_STORES)('sessions over HTTP: %s', (_name, make) => {
  let store: SessionTokenStore;
  let done: () => Promise<void>;
  let clock: number;
  const now = (): number => clock;

  beforeEach(async () => {
    ({ store, done } = await make());
    clock = Math.floor(Date.now() / 1000) * 1000;
  });
  afterEach(() => done());

  const refresh = (app: Parameters<typeof request>[0], refreshToken: string) =>
    request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refreshToken }));

  it('a login with a refresh token creates a session findable by its user: sid, client, scope, times, refresh token', async () => {
    const { app } = await createServer({ store, now });
    const tokens = await loginCli(app);
    const at = clock / 1000;
    const expected: SessionRecord = {
      id: sidOf(tokens.access_token),
      sub: 'u-bob',
      clientId: 'cli',
      scope: ['orders'],
      createdAt: at,
      lastUsedAt: at,
      // The family's absolute end (refreshTokenAbsoluteTTL, 30 days by default), then one more access token's life
      // (accessTokenTTL 3600) and the verifier's tolerance (clockTolerance 5, + 1).
      expiresAt: at + 2_592_000 + 3600 + 6,
      refreshTokenId: sha256(tokens.refresh_token!),
    };
    expect(await store.listSessions('u-bob')).toEqual([expected]);
    expect(await store.findSession(expected.id)).toEqual(expected);
  });

  it('a login without a refresh token has a session too, ending with its access token', async () => {
    const { app } = await createServer({ store, now });
    const res = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'norefresh', username: 'bob', password: 'hunter2', scope: 'orders' }));
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const at = clock / 1000;
    expect(await store.listSessions('u-bob')).toEqual([
      { id: sidOf(res.body.access_token), sub: 'u-bob', clientId: 'norefresh', scope: ['orders'], createdAt: at, lastUsedAt: at, expiresAt: at + 3600 + 6 },
    ]);
  });

  it('each refresh sets the session lastUsedAt and its current refresh token', async () => {
    const { app } = await createServer({ store, now });
    const tokens = await loginCli(app);
    const sid = sidOf(tokens.access_token);
    clock += 60_000;
    const first = await refresh(app, tokens.refresh_token!);
    expect(first.status).toBe(200);
    expect(await store.findSession(sid)).toMatchObject({ lastUsedAt: clock / 1000, refreshTokenId: sha256(first.body.refresh_token) });
    clock += 60_000;
    const second = await refresh(app, first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(await store.findSession(sid)).toMatchObject({
      createdAt: clock / 1000 - 120,
      lastUsedAt: clock / 1000,
      refreshTokenId: sha256(second.body.refresh_token),
    });
  });

  it('beyond maxSessionsPerUser the least recently used login ends: its refresh token and access token stop working', async () => {
    const { app } = await createServer({ store, now, maxSessionsPerUser: 2 });
    const logins = [];
    for (let i = 0; i < 3; i += 1) {
      logins.push(await loginCli(app));
      clock += 1000;
    }
    const [ended, ...kept] = logins;
    expect((await store.listSessions('u-bob')).map((s) => s.id)).toEqual(kept.map((t) => sidOf(t.access_token)).reverse());
    const refused = await refresh(app, ended.refresh_token!);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${ended.access_token}`)).status).toBe(401);
    for (const tokens of kept) {
      expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);
      expect((await refresh(app, tokens.refresh_token!)).status).toBe(200);
    }
  });
});

describe('stores without sessions', () => {
  /** A TokenStore as one written for 7c18849 would be: the fourteen methods, no SessionStore. */
  const withoutSessions = (backing: MemoryStore): TokenStore => {
    const store: Record<string, unknown> = {};
    for (const name of [
      'saveRefreshToken',
      'findRefreshToken',
      'rotateRefreshToken',
      'revokeFamily',
      'revokeAccessToken',
      'isAccessTokenRevoked',
      'hit',
      'hitBelow',
      'release',
      'peek',
      'reset',
      'claimOnce',
      'put',
      'take',
    ]) {
      store[name] = (backing as unknown as Record<string, (...args: unknown[]) => unknown>)[name].bind(backing);
    }
    return store as unknown as TokenStore;
  };

  it('a TokenStore without SessionStore still logs in, refreshes and revokes; no session is written', async () => {
    const backing = new MemoryStore();
    const { app } = await createServer({ store: withoutSessions(backing) });
    const tokens = await loginCli(app);
    const refreshed = await request(app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: tokens.refresh_token! }));
    expect(refreshed.status).toBe(200);
    expect(
      (
        await request(app)
          .post('/oauth2/revoke')
          .type('form')
          .send(form({ token: refreshed.body.refresh_token, client_id: 'cli' }))
      ).status,
    ).toBe(200);
    expect((await request(app).get('/api/orders').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(401);
    expect(await backing.listSessions('u-bob')).toEqual([]);
    await backing.close();
  });

  it.each([
    [
      'maxSessionsPerUser with a store without SessionStore',
      () => ({ store: withoutSessions(new MemoryStore()), maxSessionsPerUser: 5 }),
      'ERR_EPG_INVALID_STORE',
      'options.maxSessionsPerUser needs a store that implements SessionStore (missing: saveSession, findSession, listSessions, endSession)',
    ],
    [
      'a store that implements SessionStore in part',
      () => ({ store: Object.assign(withoutSessions(new MemoryStore()), { saveSession: async () => undefined }) }),
      'ERR_EPG_INVALID_STORE',
      'options.store implements part of SessionStore (missing: findSession, listSessions, endSession)',
    ],
    ['maxSessionsPerUser past 10000', () => ({ maxSessionsPerUser: 10_001 }), 'ERR_EPG_INVALID_OPTION', 'options.maxSessionsPerUser must be at most 10000'],
    ['maxSessionsPerUser 0', () => ({ maxSessionsPerUser: 0 }), 'ERR_EPG_INVALID_OPTION', 'options.maxSessionsPerUser must be a positive integer'],
  ])('refuses %s with a ConfigError saying so', async (_name, options, code, message) => {
    const refused = createServer(options());
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toMatchObject({ code, message });
  });
});
