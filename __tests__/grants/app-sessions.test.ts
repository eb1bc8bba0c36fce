// __tests__/grants/app-sessions.test.ts
// auth.listSessions, revokeSession and revokeSessions over HTTP on every store: revocation reaches every token (refresh
// grant, requireToken with the token cached, verifyAccessToken, /introspect), logins without a refresh token included,
// refresh tokens older than session records too; `session.revoked` with the app's reason; listing bounded and paged.

import request from 'supertest';
import { MemoryStore, type RefreshTokenRecord, type TokenStore } from '../../lib';
import { decodeJwt, loginCli, loginWeb, postAsWeb } from '../helpers/login';
import { createServer, form, type TestServer } from '../helpers/server';
import { SESSION_STORES, type SessionTokenStore } from '../helpers/session-stores';
import { createHash, randomBytes } from 'node:crypto';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');
const sidOf = (accessToken: string): string => decodeJwt(accessToken).payload.sid as string;
const named = (s: TestServer, name: string) => s.events.filter((e) => e.name === name).map((e) => e.payload);

const refresh = (s: TestServer, refreshToken: string) =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refreshToken }));
const orders = (s: TestServer, accessToken: string) => request(s.app).get('/api/orders').set('Authorization', `Bearer ${accessToken}`);

/** Every way an access token is checked: requireToken (a cache hit when used before), verifyAccessToken, /introspect. */
async function expectAccessRefused(s: TestServer, accessToken: string): Promise<void> {
  const res = await orders(s, accessToken);
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  await expect(s.auth.verifyAccessToken(accessToken)).rejects.toMatchObject({ error: 'invalid_token' });
  expect((await postAsWeb(s.app, '/introspect', { token: accessToken })).body).toEqual({ active: false });
}

async function expectAccessAccepted(s: TestServer, accessToken: string): Promise<void> {
  expect((await orders(s, accessToken)).status).toBe(200);
  await expect(s.auth.verifyAccessToken(accessToken)).resolves.toMatchObject({ sid: sidOf(accessToken) });
  expect((await postAsWeb(s.app, '/introspect', { token: accessToken })).body).toMatchObject({ active: true });
}

async function expectRefreshRefused(s: TestServer, refreshToken: string): Promise<void> {
  const res = await refresh(s, refreshToken);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_grant');
}

/** A login as the client without the refresh_token grant: a session with no refresh token. */
async function loginWithoutRefresh(s: TestServer): Promise<string> {
  const res = await request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: 'norefresh', username: 'bob', password: 'hunter2', scope: 'orders' }));
  expect(res.status).toBe(200);
  expect(res.body.refresh_token).toBeUndefined();
  return res.body.access_token as string;
}

describe.each(SESSION_STORES)('the sessions API on %s', (_name, make) => {
  let store: SessionTokenStore;
  let done: () => Promise<void>;
  let clock: number;
  const now = (): number => clock;

  beforeEach(async () => {
    ({ store, done } = await make());
    clock = Math.floor(Date.now() / 1000) * 1000;
  });
  afterEach(() => done());

  it("lists the user's sessions newest first, as SessionInfo, paged by limit and before", async () => {
    const s = await createServer({ store, now });
    const first = await loginCli(s.app);
    clock += 10_000;
    const second = await loginWithoutRefresh(s);
    clock += 10_000;
    const third = await loginCli(s.app);
    await loginWeb(s.app); // alice: not bob's
    const at = clock / 1000;
    const list = await s.auth.listSessions('u-bob');
    expect(list.map((x) => x.id)).toEqual([sidOf(third.access_token), sidOf(second), sidOf(first.access_token)]);
    expect(list[0]).toEqual({
      id: sidOf(third.access_token),
      clientId: 'cli',
      scope: ['orders'],
      createdAt: at,
      lastUsedAt: at,
      expiresAt: expect.any(Number),
    });
    expect(list[1]).toMatchObject({ clientId: 'norefresh', createdAt: at - 10, lastUsedAt: at - 10 });
    expect(list[1].expiresAt).toBeLessThan(list[0].expiresAt);
    const page = await s.auth.listSessions('u-bob', { limit: 2 });
    expect(page.map((x) => x.id)).toEqual(list.slice(0, 2).map((x) => x.id));
    const next = await s.auth.listSessions('u-bob', { limit: 2, before: page[1].lastUsedAt });
    expect(next.map((x) => x.id)).toEqual([sidOf(first.access_token)]);
    // A refresh makes its session the most recent.
    clock += 10_000;
    expect((await refresh(s, first.refresh_token as string)).status).toBe(200);
    expect((await s.auth.listSessions('u-bob', { limit: 1 }))[0]).toMatchObject({ id: sidOf(first.access_token), lastUsedAt: at + 10 });
    expect(await s.auth.listSessions('u-nobody')).toEqual([]);
  });

  it('pages through logins of the same second without skipping or repeating one: a page never splits them', async () => {
    const s = await createServer({ store, now });
    const older = sidOf((await loginCli(s.app)).access_token);
    clock += 1000;
    // One second, three logins (a script, two devices): they share lastUsedAt.
    const same = [];
    for (let i = 0; i < 3; i++) same.push(sidOf((await loginCli(s.app)).access_token));
    // Within a second by id, descending by its bytes, in every store.
    same.sort((a, b) => Buffer.compare(Buffer.from(b), Buffer.from(a)));
    expect((await s.auth.listSessions('u-bob')).map((x) => x.id)).toEqual([...same, older]);
    // The group starts the page: all of it, more than `limit`; the next page goes on below that second.
    const first = await s.auth.listSessions('u-bob', { limit: 2 });
    expect(first.map((x) => x.id)).toEqual(same);
    const second = await s.auth.listSessions('u-bob', { limit: 2, before: first[first.length - 1].lastUsedAt });
    expect(second.map((x) => x.id)).toEqual([older]);
    expect(await s.auth.listSessions('u-bob', { limit: 2, before: second[0].lastUsedAt })).toEqual([]);
    // A newer session before the group: the page ends before the group (fewer than `limit`, and not the end).
    clock += 1000;
    const newest = sidOf((await loginCli(s.app)).access_token);
    const pages: string[][] = [];
    for (let before: number | undefined; pages.length < 5;) {
      const page = await s.auth.listSessions('u-bob', before === undefined ? { limit: 2 } : { limit: 2, before });
      if (page.length === 0) break;
      pages.push(page.map((x) => x.id));
      before = page[page.length - 1].lastUsedAt;
    }
    expect(pages).toEqual([[newest], same, [older]]);
  });

  it('revokeSessions ends every session when a page stops short before sessions that share a second', async () => {
    const s = await createServer({ store, now });
    const at = clock / 1000;
    const session = (lastUsedAt: number, i: number) => ({
      id: `sid-${lastUsedAt}-${i}-${randomBytes(6).toString('base64url')}`,
      sub: 'u-bob',
      clientId: 'cli',
      scope: ['orders'],
      createdAt: lastUsedAt,
      lastUsedAt,
      expiresAt: at + 3600,
    });
    // 999 in one second, 2 in the second before: a page of 1000 would cut the pair, so the first page holds 999.
    const sessions = [...Array.from({ length: 999 }, (_, i) => session(at, i)), session(at - 1, 0), session(at - 1, 1)];
    for (const x of sessions) await store.saveSession(x, { maxPerUser: 2000 });
    expect(await store.listSessions('u-bob', { limit: 1000 })).toHaveLength(999);
    expect(await s.auth.revokeSessions('u-bob')).toBe(1001);
    expect(await s.auth.listSessions('u-bob')).toEqual([]);
  });

  it('keeps the IP and User-Agent of the last use only with sessionDetails, bounded, and deletes them with the session', async () => {
    const s = await createServer({ store, now, sessionDetails: true });
    const agent = `Mozilla/5.0 \t(X11)${'x'.repeat(300)}`;
    const res = await request(s.app)
      .post('/oauth2/token')
      .set('User-Agent', agent)
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2', scope: 'orders' }));
    expect(res.status).toBe(200);
    const [session] = await s.auth.listSessions('u-bob');
    expect(session.ip).toMatch(/127\.0\.0\.1/);
    expect(session.userAgent).toBe(`Mozilla/5.0 (X11)${'x'.repeat(300)}`.slice(0, 256));
    // The last use: a refresh from elsewhere records where it came from, in the rotation's own store call.
    s.app.set('trust proxy', true);
    clock += 10_000;
    const refreshed = await request(s.app)
      .post('/oauth2/token')
      .set('User-Agent', 'curl/8')
      .set('X-Forwarded-For', '203.0.113.9')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: res.body.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect(await s.auth.listSessions('u-bob')).toEqual([{ ...session, lastUsedAt: session.lastUsedAt + 10, ip: '203.0.113.9', userAgent: 'curl/8' }]);
    expect(await store.findSession(session.id)).toMatchObject({ ip: '203.0.113.9', userAgent: 'curl/8' });
    // One without a User-Agent, from an address that is none (X-Forwarded-For says anything): neither is kept.
    const bare = await request(s.app)
      .post('/oauth2/token')
      .unset('User-Agent')
      .set('X-Forwarded-For', `not-an-ip${'x'.repeat(500)}`)
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refreshed.body.refresh_token }));
    expect(bare.status).toBe(200);
    const stored = await store.findSession(session.id);
    expect(stored).not.toHaveProperty('ip');
    expect(stored).not.toHaveProperty('userAgent');
    // Ending the session deletes its record, details included.
    expect(await s.auth.revokeSessions('u-bob')).toBe(1);
    expect(await store.findSession(session.id)).toBeUndefined();
    // Without the option nothing is kept.
    const plain = await createServer({ store, now });
    await request(plain.app)
      .post('/oauth2/token')
      .set('User-Agent', agent)
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2', scope: 'orders' }));
    const [kept] = await plain.auth.listSessions('u-bob');
    expect(kept.ip).toBeUndefined();
    expect(kept.userAgent).toBeUndefined();
    expect(await store.findSession(kept.id)).not.toHaveProperty('userAgent');
  });

  it('keeps no details a login gives from an address that is none, and drops at the next refresh those recorded while the app opted in', async () => {
    const on = await createServer({ store, now, sessionDetails: true });
    on.app.set('trust proxy', true);
    const odd = await request(on.app)
      .post('/oauth2/token')
      .set('User-Agent', 'A/1')
      .set('X-Forwarded-For', 'x'.repeat(400))
      .type('form')
      .send(form({ grant_type: 'password', client_id: 'cli', username: 'bob', password: 'hunter2', scope: 'orders' }));
    expect(odd.status).toBe(200);
    const [first] = await on.auth.listSessions('u-bob');
    expect(first).not.toHaveProperty('ip');
    expect(first.userAgent).toBe('A/1');
    // The app stops opting in: listSessions shows no details, and a refresh removes them from the store.
    const off = await createServer({ store, now });
    expect(await off.auth.listSessions('u-bob')).toEqual([
      { id: first.id, clientId: 'cli', scope: ['orders'], createdAt: first.createdAt, lastUsedAt: first.lastUsedAt, expiresAt: first.expiresAt },
    ]);
    expect(await store.findSession(first.id)).toMatchObject({ userAgent: 'A/1' });
    const refreshed = await request(off.app)
      .post('/oauth2/token')
      .set('User-Agent', 'B/2')
      .type('form')
      .send(form({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: odd.body.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect(await store.findSession(first.id)).not.toHaveProperty('userAgent');
  });

  it('refuses a bad limit, before, sub or option as a TypeError naming it', async () => {
    const s = await createServer({ store, now });
    for (const limit of [0, -1, 1.5, 1001, Number.NaN, '10']) {
      await expect(s.auth.listSessions('u-bob', { limit: limit as number })).rejects.toThrow(/options\.limit/);
    }
    for (const before of [Number.NaN, Infinity, '1700000000']) {
      await expect(s.auth.listSessions('u-bob', { before: before as number })).rejects.toThrow(/options\.before/);
    }
    await expect(s.auth.listSessions('u-bob', { limit: 1000 })).resolves.toEqual([]);
    await expect(s.auth.listSessions('')).rejects.toThrow(TypeError);
    await expect(s.auth.revokeSession('u-bob', 42 as unknown as string)).rejects.toThrow(/sessionId/);
    await expect(s.auth.revokeSessions('u-bob', { reason: 'x'.repeat(201) })).rejects.toThrow(/options\.reason/);
    await expect(s.auth.revokeSessions('u-bob', { except: 7 as unknown as string })).rejects.toThrow(/options\.except/);
  });

  it('revokeSession ends one session: its refresh token, its cached access token, verifyAccessToken and /introspect', async () => {
    const s = await createServer({ store, now });
    const mine = await loginCli(s.app);
    const other = await loginCli(s.app);
    await expectAccessAccepted(s, mine.access_token); // now cached by requireToken's verifier
    const sid = sidOf(mine.access_token);
    // Another user's sub: nothing is ended.
    expect(await s.auth.revokeSession('u-alice', sid)).toBe(false);
    await expectAccessAccepted(s, mine.access_token);
    expect(await s.auth.revokeSession('u-bob', sid, { reason: 'signed_out' })).toBe(true);
    expect(named(s, 'session.revoked')).toEqual([{ clientId: 'cli', sub: 'u-bob', sid, reason: 'app', appReason: 'signed_out' }]);
    await expectRefreshRefused(s, mine.refresh_token as string);
    await expectAccessRefused(s, mine.access_token);
    // The other session lives on.
    await expectAccessAccepted(s, other.access_token);
    expect((await refresh(s, other.refresh_token as string)).status).toBe(200);
    expect(await s.auth.revokeSession('u-bob', sid)).toBe(false);
    expect((await s.auth.listSessions('u-bob')).map((x) => x.id)).toEqual([sidOf(other.access_token)]);
  });

  it('revokeSessions ends every session but `except`, logins without a refresh token included', async () => {
    const s = await createServer({ store, now });
    const current = await loginCli(s.app);
    const phone = await loginCli(s.app);
    const noRefresh = await loginWithoutRefresh(s);
    const alice = await loginWeb(s.app);
    for (const token of [current.access_token, phone.access_token, noRefresh]) await expectAccessAccepted(s, token);
    const ended = await s.auth.revokeSessions('u-bob', { except: sidOf(current.access_token), reason: 'password_changed' });
    expect(ended).toBe(2);
    const events = named(s, 'session.revoked');
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        { clientId: 'cli', sub: 'u-bob', sid: sidOf(phone.access_token), reason: 'app', appReason: 'password_changed' },
        { clientId: 'norefresh', sub: 'u-bob', sid: sidOf(noRefresh), reason: 'app', appReason: 'password_changed' },
      ]),
    );
    await expectAccessRefused(s, phone.access_token);
    await expectAccessRefused(s, noRefresh);
    await expectRefreshRefused(s, phone.refresh_token as string);
    // The session kept, and another user's, work on.
    await expectAccessAccepted(s, current.access_token);
    expect((await refresh(s, current.refresh_token as string)).status).toBe(200);
    await expectAccessAccepted(s, alice.access_token);
    // Everywhere: the kept one too; a login afterwards is a new session and works.
    expect(await s.auth.revokeSessions('u-bob')).toBe(1);
    await expectAccessRefused(s, current.access_token);
    const fresh = await loginCli(s.app);
    await expectAccessAccepted(s, fresh.access_token);
    expect((await refresh(s, fresh.refresh_token as string)).status).toBe(200);
    expect(await s.auth.revokeSessions('u-nobody')).toBe(0);
  });

  it('revokeSessions also refuses a refresh token issued before session records (a family without a session)', async () => {
    const s = await createServer({ store, now });
    const nowS = clock / 1000;
    // What an older version stored: a refresh record and no session.
    const old = (token: string, sub: string): RefreshTokenRecord => ({
      id: sha256(token),
      familyId: `old-${token.slice(0, 8)}`,
      clientId: 'cli',
      sub,
      scope: ['orders'],
      authTime: nowS - 100,
      issuedAt: nowS - 100,
      expiresAt: nowS + 3600,
      username: 'bob',
      // As a store reads a record written before session records (format v0 or 0.1.0): no session lists this login.
      predatesSessions: true,
    });
    const bobsOld = randomBytes(32).toString('base64url');
    const alicesOld = randomBytes(32).toString('base64url');
    await store.saveRefreshToken(old(bobsOld, 'u-bob'));
    await store.saveRefreshToken(old(alicesOld, 'u-alice'));
    const rotated = await refresh(s, bobsOld);
    expect(rotated.status).toBe(200);
    await s.auth.revokeSessions('u-bob', { reason: 'password_changed' });
    await expectRefreshRefused(s, rotated.body.refresh_token as string);
    // Another user's old token is untouched.
    expect((await refresh(s, alicesOld)).status).toBe(200);
    // A login after the call starts a session, which the mark does not touch.
    const fresh = await loginCli(s.app);
    expect((await refresh(s, fresh.refresh_token as string)).status).toBe(200);
  });
});

describe('the sessions API on a store without SessionStore', () => {
  it('rejects with a TypeError naming SessionStore, and logins keep working', async () => {
    const inner = new MemoryStore();
    const methods = [
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
    ] as const;
    const store = Object.fromEntries(methods.map((m) => [m, (inner[m] as (...a: unknown[]) => unknown).bind(inner)])) as unknown as TokenStore;
    const s = await createServer({ store });
    await loginCli(s.app);
    await expect(s.auth.listSessions('u-bob')).rejects.toThrow(/auth\.listSessions needs a store that implements SessionStore/);
    await expect(s.auth.revokeSession('u-bob', 'x')).rejects.toThrow(/SessionStore/);
    await expect(s.auth.revokeSessions('u-bob')).rejects.toThrow(/SessionStore/);
    await inner.close();
  });
});
