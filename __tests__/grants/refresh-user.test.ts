// __tests__/grants/refresh-user.test.ts
// With `findUser`, every refresh asks the app about the user before the token is spent: a user gone ends the session
// (family revoked, `session.revoked`, invalid_grant), a failing findUser spends nothing, the user's scopes narrow the
// access token. Run on MemoryStore and SqliteStore, and on RedisStore / PostgresStore when REDIS_URL / DATABASE_URL
// are set.

// RFC 6749 §6: "the authorization server MUST ... validate the refresh token"; the grant it stands for ends with the
// account (Keycloak and IdentityServer answer invalid_grant for a refresh of a deleted or disabled user).
import request from 'supertest';
import type Redis from 'ioredis';
import { MemoryStore, RedisStore, SqliteStore, type FindUser, type TokenStore } from '../../lib';
import { basic, createServer, form, WEB_SECRET, type TestServer } from '../helpers/server';
import { decodeJwt, loginCli, loginWeb, postAsWeb } from '../helpers/login';
import { deletePrefix, describeWithRedis, redisClient, uniquePrefix } from '../helpers/redis';
import { describeWithPostgres, dropSchema, migratedStore, uniqueSchema } from '../helpers/postgres';
import { tempDatabase } from '../helpers/sqlite';

const IP = expect.stringMatching(/127\.0\.0\.1/);

/** The app's users table as its findUser reads it; a test deletes, changes or breaks it, and sees every call. */
class Directory {
  readonly rows = new Map<string, unknown>([
    ['u-alice', { id: 'u-alice', claims: { name: 'Alice Liddell' } }],
    ['u-bob', { id: 'u-bob', scopes: ['orders', 'profile'] }],
  ]);
  readonly calls: string[] = [];
  failure: Error | undefined;
  readonly findUser: FindUser = async (sub) => {
    this.calls.push(sub);
    if (this.failure !== undefined) throw this.failure;
    return (this.rows.get(sub) ?? null) as ReturnType<FindUser>;
  };
}

interface Setup {
  readonly s: TestServer;
  readonly dir: Directory;
  readonly clock: { ms: number };
}

function refresh(s: TestServer, token: string, extra: Record<string, string> = {}) {
  return request(s.app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));
}

async function expectInvalidGrant(s: TestServer, token: string): Promise<void> {
  const res = await refresh(s, token);
  expect(res.status).toBe(400);
  expect(res.headers['cache-control']).toBe('no-store');
  // Generic on the wire: the client cannot tell a deleted user from a revoked token.
  expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired or revoked' });
}

const sidOf = (accessToken: string): string => decodeJwt(accessToken).payload.sid as string;
const named = (s: TestServer, name: string) => s.events.filter((e) => e.name === name).map((e) => e.payload);
const orders = (s: TestServer, accessToken: string) => request(s.app).get('/api/orders').set('Authorization', `Bearer ${accessToken}`);

/** The cases every store must pass: the refresh grant's user check only reads and revokes through the store. */
function userCheckCases(makeStore: () => Promise<TokenStore>): void {
  async function setup(overrides: Record<string, unknown> = {}): Promise<Setup> {
    const dir = new Directory();
    const clock = { ms: Date.now() };
    const s = await createServer({ store: await makeStore(), findUser: dir.findUser, now: () => clock.ms, ...overrides });
    return { s, dir, clock };
  }

  it("refuses a deleted user's refresh with invalid_grant and ends the session: its refresh and access tokens die", async () => {
    const { s, dir } = await setup();
    const login = await loginWeb(s.app, 'openid profile orders');
    const first = await refresh(s, login.refresh_token!);
    expect(first.status).toBe(200);
    const sid = sidOf(login.access_token);

    dir.rows.delete('u-alice');
    await expectInvalidGrant(s, first.body.refresh_token);
    expect(named(s, 'session.revoked')).toEqual([{ clientId: 'web', ip: IP, sub: 'u-alice', sid, reason: 'user_gone' }]);
    expect(named(s, 'token.refreshed')).toHaveLength(1);
    expect(named(s, 'error')).toEqual([]);
    // Every access token of the session is refused, at a protected route and at /introspect.
    for (const accessToken of [login.access_token, first.body.access_token as string]) {
      const res = await orders(s, accessToken);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect((await postAsWeb(s.app, '/introspect', { token: accessToken })).body).toEqual({ active: false });
    }
    expect((await postAsWeb(s.app, '/introspect', { token: first.body.refresh_token })).body).toEqual({ active: false });
    // The user coming back (an account re-enabled) does not bring the ended session back: that takes a new login.
    dir.rows.set('u-alice', { id: 'u-alice' });
    await expectInvalidGrant(s, first.body.refresh_token);
    expect((await loginWeb(s.app, 'orders')).access_token).toEqual(expect.any(String));
  });

  it('answers 503 temporarily_unavailable when findUser throws, as at /userinfo, spends nothing, and the same refresh token works once findUser answers', async () => {
    const { s, dir } = await setup();
    const login = await loginWeb(s.app, 'orders');
    const down = new Error('users database unreachable');
    dir.failure = down;
    const res = await refresh(s, login.refresh_token!);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly' });
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.stringify(res.body)).not.toContain('unreachable');
    const [error] = named(s, 'error') as Array<Error & { detail: string }>;
    expect(error.detail).toBe('findUser threw');
    expect(error.cause).toBe(down);
    expect(named(s, 'session.revoked')).toEqual([]);
    // Nothing was revoked or spent: the login's access token still works, and the refresh token does once it can.
    expect((await orders(s, login.access_token)).status).toBe(200);
    dir.failure = undefined;
    const again = await refresh(s, login.refresh_token!);
    expect(again.status).toBe(200);
    expect(named(s, 'refresh.reused')).toEqual([]);
  });

  it('narrows the refreshed access token to what the user may still grant; the refresh token keeps its scope', async () => {
    const { s, dir } = await setup();
    const login = await loginWeb(s.app, 'openid profile orders');
    // The app withdrew `profile` from alice after she logged in.
    dir.rows.set('u-alice', { id: 'u-alice', scopes: ['orders'] });
    const narrowed = await refresh(s, login.refresh_token!);
    expect(narrowed.status).toBe(200);
    // openid is a protocol scope every user may grant (as at login).
    expect(narrowed.body.scope).toBe('openid orders');
    expect(decodeJwt(narrowed.body.access_token).payload.scope).toBe('openid orders');
    const me = await request(s.app).get('/api/me').set('Authorization', `Bearer ${narrowed.body.access_token}`);
    expect(me.status).toBe(403);
    expect((await orders(s, narrowed.body.access_token)).status).toBe(200);
    // RFC 6749 §6: the new refresh token keeps the original scope, so a scope given back returns on the next refresh.
    dir.rows.set('u-alice', { id: 'u-alice' });
    const restored = await refresh(s, narrowed.body.refresh_token);
    expect(restored.body.scope).toBe('openid profile orders');
  });

  it('does not let a retry within refreshReuseGrace mint tokens for a deleted user', async () => {
    const { s, dir } = await setup({ refreshReuseGrace: 10 });
    const login = await loginWeb(s.app, 'orders');
    const first = await refresh(s, login.refresh_token!);
    expect(first.status).toBe(200);
    dir.rows.delete('u-alice');
    // The same spent token, within the grace: a retry after a lost response, which would get the successor again.
    await expectInvalidGrant(s, login.refresh_token!);
    expect(named(s, 'session.revoked')).toEqual([{ clientId: 'web', ip: IP, sub: 'u-alice', sid: sidOf(login.access_token), reason: 'user_gone' }]);
    expect(named(s, 'token.refreshed')).toHaveLength(1);
    await expectInvalidGrant(s, first.body.refresh_token);
    expect((await orders(s, first.body.access_token)).status).toBe(401);
  });
}

describe('refresh grant with findUser (MemoryStore)', () => {
  userCheckCases(async () => new MemoryStore());

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['false', false],
    ["another user's record (a lookup that ignores its argument)", { id: 'u-bob' }],
  ])('counts findUser returning %s as the user gone', async (_name, answer) => {
    const s = await createServer({ findUser: () => answer as ReturnType<FindUser> });
    const login = await loginWeb(s.app, 'orders');
    await expectInvalidGrant(s, login.refresh_token!);
    expect(named(s, 'session.revoked')).toEqual([expect.objectContaining({ sub: 'u-alice', reason: 'user_gone' })]);
    expect((await orders(s, login.access_token)).status).toBe(401);
  });

  it('answers 500 server_error for a malformed user record, spends nothing, and names the field in the error event', async () => {
    const dir = new Directory();
    const s = await createServer({ findUser: dir.findUser });
    const login = await loginWeb(s.app, 'orders');
    dir.rows.set('u-alice', { id: 'u-alice', scopes: 'orders' });
    const res = await refresh(s, login.refresh_token!);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect((named(s, 'error')[0] as { detail: string }).detail).toBe('findUser returned a user whose scopes is not an array of strings');
    expect(named(s, 'session.revoked')).toEqual([]);
    dir.rows.set('u-alice', { id: 'u-alice', scopes: ['orders'] });
    expect((await refresh(s, login.refresh_token!)).status).toBe(200);
  });

  it("calls findUser once per refresh with the token's sub, never for a token refused anyway, never at login", async () => {
    const dir = new Directory();
    const s = await createServer({ findUser: dir.findUser });
    const login = await loginWeb(s.app, 'orders');
    const bob = await loginCli(s.app, 'orders');
    expect(dir.calls).toEqual([]);
    // Unknown, and issued to another client: refused before the app is asked.
    await expectInvalidGrant(s, 'x'.repeat(43));
    await expectInvalidGrant(s, bob.refresh_token!);
    // A request widening the scope is refused before the app is asked, too.
    expect((await refresh(s, login.refresh_token!, { scope: 'orders admin' })).body.error).toBe('invalid_scope');
    expect(dir.calls).toEqual([]);
    expect((await refresh(s, login.refresh_token!)).status).toBe(200);
    expect(dir.calls).toEqual(['u-alice']);
  });

  it("gives enrichToken the user findUser returned, at a refresh and at a retry within refreshReuseGrace, as verifyUser's at login", async () => {
    const dir = new Directory();
    const seen: Array<{ grantType: string; user: unknown }> = [];
    const s = await createServer({
      findUser: dir.findUser,
      refreshReuseGrace: 10,
      enrichToken: ({ grantType, user }) => {
        seen.push({ grantType, user });
        // What an app does with it: a claim from the user's current record.
        return { accessTokenClaims: { display_name: (user?.claims as { name?: string } | undefined)?.name } };
      },
    });
    const login = await loginWeb(s.app, 'orders');
    dir.rows.set('u-alice', { id: 'u-alice', scopes: ['orders'], claims: { name: 'Alice Pleasance Liddell' } });
    const first = await refresh(s, login.refresh_token!);
    expect(first.status).toBe(200);
    const retried = await refresh(s, login.refresh_token!);
    expect(retried.status).toBe(200);
    const current = { id: 'u-alice', scopes: ['orders'], claims: { name: 'Alice Pleasance Liddell' } };
    expect(seen).toEqual([
      { grantType: 'password', user: expect.objectContaining({ id: 'u-alice', claims: expect.objectContaining({ name: 'Alice Liddell' }) }) },
      { grantType: 'refresh_token', user: current },
      { grantType: 'refresh_token', user: current },
    ]);
    expect(decodeJwt(first.body.access_token).payload.display_name).toBe('Alice Pleasance Liddell');
  });

  it('without findUser, enrichToken gets no user at a refresh (the refresh trusts the login)', async () => {
    const seen: unknown[] = [];
    const s = await createServer({
      enrichToken: (context) => void seen.push(context.grantType === 'refresh_token' ? 'user' in context && context.user !== undefined : 'login'),
    });
    const login = await loginWeb(s.app, 'orders');
    expect((await refresh(s, login.refresh_token!)).status).toBe(200);
    expect(seen).toEqual(['login', false]);
  });

  it('without findUser, a refresh trusts the login as before', async () => {
    const s = await createServer();
    const login = await loginWeb(s.app, 'openid profile orders');
    const res = await refresh(s, login.refresh_token!);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid profile orders');
    expect(named(s, 'session.revoked')).toEqual([]);
  });
});

describe('refresh grant with findUser (SqliteStore)', () => {
  const removals: Array<() => void> = [];
  const stores: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const remove of removals.splice(0)) remove();
  });
  userCheckCases(async () => {
    const temp = tempDatabase('refresh-user');
    removals.push(temp.remove);
    const store = new SqliteStore({ database: temp.db, sweepIntervalMs: 0 });
    await store.migrate();
    stores.push(store);
    return store;
  });
});

describeWithRedis('refresh grant with findUser (RedisStore)', () => {
  const prefix = uniquePrefix('refresh-user');
  const clients: Redis[] = [];
  const stores: RedisStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    await deletePrefix(clients[0] ?? redisClient(), prefix);
    for (const client of clients) await client.quit();
  });
  userCheckCases(async () => {
    const client = redisClient();
    clients.push(client);
    const store = new RedisStore({ client, prefix });
    stores.push(store);
    return store;
  });
});

describeWithPostgres('refresh grant with findUser (PostgresStore)', () => {
  const done: Array<() => Promise<void>> = [];
  const schemas: string[] = [];
  afterEach(async () => {
    for (const end of done.splice(0)) await end();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });
  userCheckCases(async () => {
    const schema = uniqueSchema('refresh_user');
    schemas.push(schema);
    const migrated = await migratedStore(schema, { sweepIntervalMs: 0 });
    done.push(migrated.done);
    return migrated.store;
  });
});
