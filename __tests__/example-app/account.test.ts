// __tests__/example-app/account.test.ts
// The example app's account routes (example-app/account.ts) over HTTP: the signed-in user's sessions and a password
// change that ends the others. Real bcrypt, JWTs and SqliteStore. Requires the built package and example.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp, type ExampleApp } from '../../example-app/app';

const ROOT = path.join(__dirname, '../..');
const BOB = { email: 'bob@example.com', password: 'builder-bob' };
const WEB = { id: 'demo-web', secret: 'demo-web-secret' };

interface Login {
  readonly access: string;
  readonly refresh: string;
  readonly sid: string;
}

let dataDir: string;
let example: ExampleApp;
const logs: string[] = [];
/** Each test signs in as a user of its own, so that no test sees another's sessions. */
let users = 0;

/** A fresh user (added with the app's own addUser) and their password. */
function newUser(): { email: string; password: string } {
  users += 1;
  const user = { email: `user${users}@example.com`, password: `first-pass-${users}` };
  example.db.addUser(user);
  return user;
}

function token(body: Record<string, string>, userAgent = 'account-test') {
  return request(example.app)
    .post('/oauth2/token')
    .auth(WEB.id, WEB.secret)
    .set('User-Agent', userAgent)
    .type('form')
    .send(new URLSearchParams(body).toString());
}

async function login(user: { email: string; password: string }, userAgent?: string): Promise<Login> {
  const res = await token({ grant_type: 'password', username: user.email, password: user.password }, userAgent);
  expect(res.status).toBe(200);
  const { sid } = jwt.decode(res.body.access_token) as { sid: string };
  return { access: res.body.access_token, refresh: res.body.refresh_token, sid };
}

const refresh = (session: Login) => token({ grant_type: 'refresh_token', refresh_token: session.refresh });
const get = (path: string, session?: Login) => auth(request(example.app).get(path), session);
const post = (path: string, session?: Login) => auth(request(example.app).post(path), session);
const del = (path: string, session?: Login) => auth(request(example.app).delete(path), session);

function auth(req: request.Test, session: Login | undefined): request.Test {
  return session ? req.set('Authorization', `Bearer ${session.access}`) : req;
}

/** The session ids GET /me/sessions lists for `session`'s user. */
async function listed(session: Login): Promise<string[]> {
  const res = await get('/me/sessions', session);
  expect(res.status).toBe(200);
  return (res.body.sessions as Array<{ id: string }>).map((s) => s.id).sort();
}

/** The session is over: its refresh token gets invalid_grant and its access token 401 invalid_token. */
async function expectEnded(session: Login): Promise<void> {
  const res = await refresh(session);
  expect([res.status, res.body.error]).toEqual([400, 'invalid_grant']);
  const me = await get('/me/sessions', session);
  expect(me.status).toBe(401);
  expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
}

/** The session lives: its access token works, and so does a refresh (which hands back the next refresh token). */
async function expectAlive(session: Login): Promise<Login> {
  expect((await get('/me/sessions', session)).status).toBe(200);
  const res = await refresh(session);
  expect(res.status).toBe(200);
  return { access: res.body.access_token, refresh: res.body.refresh_token, sid: session.sid };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'example-app/dist/server.js'))) {
    throw new Error('example-app/dist/ is missing: run `npm run build && npm run build:example` first');
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'epg-account-'));
  example = createApp({ dataDir, port: 4323, log: (line) => logs.push(line), bcryptCost: 4 });
});

afterAll(async () => {
  await example?.store.close?.();
  example?.db.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the account routes need an access token', () => {
  it.each([
    ['GET', '/me/sessions'],
    ['DELETE', '/me/sessions/00000000-0000-4000-8000-000000000000'],
    ['POST', '/me/sessions/revoke-others'],
    ['POST', '/me/password'],
  ])('%s %s without one: 401 with a Bearer challenge, and nothing done', async (method, route) => {
    const res = await request(example.app)[method.toLowerCase() as 'get' | 'post' | 'delete'](route);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses a forged token with 401 invalid_token', async () => {
    const res = await get('/me/sessions', { access: 'not.a.token', refresh: '', sid: '' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe('GET /me/sessions', () => {
  it("lists the user's sessions (and no one else's), marks the caller's as current, and shows IP and User-Agent", async () => {
    const user = newUser();
    const phone = await login(user, 'Phone/1.0');
    const laptop = await login(user, 'Laptop/2.0');
    await login(BOB); // another user's session is never listed
    const res = await get('/me/sessions', laptop);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const sessions = res.body.sessions as Array<Record<string, unknown>>;
    expect(sessions.map((s) => s.id).sort()).toEqual([phone.sid, laptop.sid].sort());
    const mine = sessions.find((s) => s.id === laptop.sid);
    expect(mine).toMatchObject({
      current: true,
      clientId: WEB.id,
      scope: ['profile', 'orders'],
      userAgent: 'Laptop/2.0',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
    });
    expect(sessions.find((s) => s.id === phone.sid)).toMatchObject({ current: false, userAgent: 'Phone/1.0' });
    for (const s of sessions) {
      expect(s.createdAt).toEqual(expect.any(Number));
      expect(s.lastUsedAt).toBeGreaterThanOrEqual(s.createdAt as number);
      expect(s.expiresAt).toBeGreaterThan(s.lastUsedAt as number);
    }
    // `limit` and `before` page on, a page never splitting sessions used in the same second (the two logins may
    // share one): each session is listed once, and an empty page ends.
    const paged: string[] = [];
    let query = '/me/sessions?limit=1';
    for (let i = 0; i < 3 && query !== ''; i++) {
      const page = (await get(query, laptop)).body.sessions as Array<{ id: string; lastUsedAt: number }>;
      paged.push(...page.map((s) => s.id));
      query = page.length === 0 ? '' : `/me/sessions?limit=1&before=${page[page.length - 1].lastUsedAt}`;
    }
    expect(query).toBe('');
    expect(paged.sort()).toEqual([phone.sid, laptop.sid].sort());
    // `before` pages back in time: no session was last used before 2001.
    expect((await get('/me/sessions?before=978307200', laptop)).body.sessions).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit must be one integer from 1 to 100'],
    ['limit=101', 'limit must be one integer from 1 to 100'],
    ['limit=abc', 'limit must be one integer from 1 to 100'],
    ['limit=1.5', 'limit must be one integer from 1 to 100'],
    ['limit=1&limit=2', 'limit must be one integer from 1 to 100'],
    ['limit=', 'limit must be one integer from 1 to 100'],
    ['before=yesterday', 'before must be one time in epoch seconds (an integer)'],
    ['before=-1', 'before must be one time in epoch seconds (an integer)'],
    ['before=1e9', 'before must be one time in epoch seconds (an integer)'],
  ])('?%s: 400 invalid_request saying which parameter', async (query, description) => {
    const session = await login(newUser());
    const res = await get(`/me/sessions?${query}`, session);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });
});

describe('DELETE /me/sessions/:id', () => {
  it('signs out one other session of the user: its refresh token gets invalid_grant, its access token 401', async () => {
    const user = newUser();
    const here = await login(user);
    const there = await login(user);
    const res = await del(`/me/sessions/${there.sid}`, here);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: there.sid, current: false });
    await expectEnded(there);
    await expectAlive(here);
    expect(await listed(here)).toEqual([here.sid]);
    expect(logs.map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).filter((e) => e.event === 'session.revoked' && e.sid === there.sid)).toEqual([
      expect.objectContaining({ reason: 'app', appReason: 'signed_out' }),
    ]);
  });

  it("answers another user's session id with the same 404 as an unknown one, and leaves that session alone", async () => {
    const mine = await login(newUser());
    const bobs = await login(BOB);
    const other = await del(`/me/sessions/${bobs.sid}`, mine);
    const unknown = await del('/me/sessions/00000000-0000-4000-8000-000000000000', mine);
    for (const res of [other, unknown]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: 'you have no session with this id (it may have ended already)' });
    }
    await expectAlive(bobs);
  });

  it('answers an id already signed out with 404', async () => {
    const user = newUser();
    const here = await login(user);
    const there = await login(user);
    expect((await del(`/me/sessions/${there.sid}`, here)).status).toBe(200);
    expect((await del(`/me/sessions/${there.sid}`, here)).status).toBe(404);
  });

  it.each([['a'.repeat(129)], ['bad%20id'], ['%00'], ['..%2Fx']])('answers the malformed id %s with 400 invalid_request', async (id) => {
    const session = await login(newUser());
    const res = await del(`/me/sessions/${id}`, session);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the session id is malformed' });
  });

  it("signs out the caller's own session when asked: its access token is refused from then on", async () => {
    const session = await login(newUser());
    const res = await del(`/me/sessions/${session.sid}`, session);
    expect(res.body).toEqual({ ended: session.sid, current: true });
    await expectEnded(session);
  });
});

describe('POST /me/sessions/revoke-others', () => {
  it("ends every session of the user but the caller's, and no other user's", async () => {
    const user = newUser();
    const here = await login(user);
    const others = [await login(user), await login(user)];
    const bobs = await login(BOB);
    const res = await post('/me/sessions/revoke-others', here);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 2 });
    for (const s of others) await expectEnded(s);
    await expectAlive(here);
    await expectAlive(bobs);
    expect(await listed(here)).toEqual([here.sid]);
    expect((await post('/me/sessions/revoke-others', here)).body).toEqual({ ended: 0 });
  });
});

describe('POST /me/password', () => {
  const change = (session: Login, body: object | string, type = 'json') => post('/me/password', session).type(type).send(body);

  it('changes the password, ends every other session of the user, keeps this one, and the old password no longer logs in', async () => {
    const user = newUser();
    const here = await login(user);
    const others = [await login(user), await login(user)];
    const bobs = await login(BOB);
    const res = await change(here, { currentPassword: user.password, newPassword: 'second-pass-ok' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changed: true, sessionsEnded: 2 });
    for (const s of others) await expectEnded(s);
    const next = await expectAlive(here);
    expect(await listed(next)).toEqual([here.sid]);
    await expectAlive(bobs);
    const old = await token({ grant_type: 'password', username: user.email, password: user.password });
    expect([old.status, old.body.error]).toEqual([400, 'invalid_grant']);
    await login({ email: user.email, password: 'second-pass-ok' });
    const revoked = logs.filter((l) => l.includes('"password_changed"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(revoked.map((e) => e.sid).sort()).toEqual(others.map((s) => s.sid).sort());
  });

  it('takes the form encoding too', async () => {
    const user = newUser();
    const here = await login(user);
    const res = await change(here, new URLSearchParams({ currentPassword: user.password, newPassword: 'form-pass-ok' }).toString(), 'form');
    expect(res.body).toEqual({ changed: true, sessionsEnded: 0 });
  });

  it('refuses a wrong current password with 403, changes nothing and ends nothing', async () => {
    const user = newUser();
    const here = await login(user);
    const other = await login(user);
    const res = await change(here, { currentPassword: 'not-the-password', newPassword: 'third-pass-ok' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'wrong_password', error_description: 'the current password is not right' });
    await expectAlive(other);
    await login(user);
    const failed = await token({ grant_type: 'password', username: user.email, password: 'third-pass-ok' });
    expect(failed.body.error).toBe('invalid_grant');
  });

  const NEW = 'a-good-new-password';
  it.each<[string, unknown, string]>([
    ['no body', undefined, 'currentPassword is required (one string)'],
    ['no currentPassword', { newPassword: NEW }, 'currentPassword is required (one string)'],
    ['an empty currentPassword', { currentPassword: '', newPassword: NEW }, 'currentPassword is required (one string)'],
    ['a currentPassword that is a number', { currentPassword: 12345678, newPassword: NEW }, 'currentPassword is required (one string)'],
    ['a currentPassword that is a list', { currentPassword: ['x'], newPassword: NEW }, 'currentPassword is required (one string)'],
    ['no newPassword', { currentPassword: 'x' }, 'newPassword must have at least 8 characters'],
    ['a short newPassword', { currentPassword: 'x', newPassword: 'short' }, 'newPassword must have at least 8 characters'],
    ['a newPassword that is an object', { currentPassword: 'x', newPassword: { length: 9 } }, 'newPassword must have at least 8 characters'],
    // 40 characters, 80 bytes: bcrypt would silently drop the last 8.
    [
      "a newPassword past bcrypt's 72 bytes",
      { currentPassword: 'x', newPassword: 'é'.repeat(40) },
      'newPassword must have at most 72 bytes (bcrypt would ignore the rest)',
    ],
  ])('%s: 400 invalid_request naming the field, and nothing changed', async (_name, body, description) => {
    const user = newUser();
    const here = await login(user);
    const other = await login(user);
    const res = await (body === undefined ? post('/me/password', here) : change(here, body as object));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    await expectAlive(other);
    await login(user);
  });

  it('refuses a newPassword equal to the current one, and a repeated form field', async () => {
    const user = newUser();
    const here = await login(user);
    const same = await change(here, { currentPassword: user.password, newPassword: user.password });
    expect(same.body).toEqual({ error: 'invalid_request', error_description: 'newPassword must differ from the current one' });
    const twice = await change(here, `currentPassword=${user.password}&currentPassword=x&newPassword=${NEW}`, 'form');
    expect([twice.status, twice.body.error]).toEqual([400, 'invalid_request']);
  });

  it('answers 404 when the user was deleted since the token was issued (the token itself is still live)', async () => {
    const user = newUser();
    const here = await login(user);
    example.db.sqlite.prepare('DELETE FROM users WHERE email = ?').run(user.email);
    const res = await change(here, { currentPassword: user.password, newPassword: NEW });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'this user no longer exists' });
  });

  it('answers a malformed JSON body with a 400 JSON error, never a 500', async () => {
    const here = await login(newUser());
    const res = await post('/me/password', here).set('Content-Type', 'application/json').send('{"currentPassword":');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('the log', () => {
  it('records password changes and refusals by user id, and never a password', () => {
    const lines = logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((e) => e.event === 'password.changed').length).toBeGreaterThanOrEqual(2);
    expect(lines.find((e) => e.event === 'password.change_refused')).toMatchObject({ reason: 'wrong_password', sub: expect.any(String) });
    // The JSON lines: the seeding's own lines print the demo credentials on purpose.
    const text = logs.filter((l) => l.startsWith('{')).join('\n');
    for (const secret of ['first-pass-', 'second-pass-ok', 'third-pass-ok', 'form-pass-ok', 'not-the-password', 'a-good-new-password', BOB.password]) {
      expect(text).not.toContain(secret);
    }
  });
});
