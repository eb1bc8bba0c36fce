// __tests__/users/passport-local-reasons.test.ts
// A passport-local Strategy as verifyUser: what its fail() info says becomes login.failed's reason and detail (events
// only; the client's response never changes), its error() a server_error.

import bcrypt from 'bcrypt';
import { Strategy as LocalStrategy } from 'passport-local';
import request from 'supertest';
import type { Response } from 'supertest';
import { basic, createServer, form, loadFixture, WEB_SECRET } from '../helpers/server';

/** What the strategy passes as done(null, false, info) for an unknown email and for a wrong password. */
interface Infos {
  readonly unknown?: { message: string; reason?: string };
  readonly wrong?: { message: string; reason?: string };
}

async function emailStrategy(infos: Infos = {}, usernameField = 'email'): Promise<LocalStrategy> {
  const { users } = await loadFixture();
  return new LocalStrategy({ usernameField, session: false }, (email, password, done) => {
    if (email === 'boom@example.com') return done(new Error('directory down'));
    const row = users.get(email);
    if (!row) return done(null, false, infos.unknown);
    bcrypt.compare(password, row.passwordHash).then((ok) => (ok ? done(null, { id: row.id }) : done(null, false, infos.wrong)), done);
  });
}

function login(app: Parameters<typeof request>[0], username: string, password: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username, password }));
}

/** A response as the client receives it, but for the Date header. */
function wire(res: Response): { status: number; headers: Record<string, unknown>; body: string } {
  const { date: _date, ...headers } = res.headers as Record<string, unknown>;
  return { status: res.status, headers, body: res.text };
}

/** Logs in once with a wrong password and once as an unknown user; returns both responses and login.failed payloads. */
async function bothFailures(strategy: LocalStrategy) {
  const { app, events } = await createServer({ verifyUser: strategy });
  const wrong = await login(app, 'alice', 'wrong');
  const unknown = await login(app, 'nobody', 'wrong');
  const failed = events.filter((e) => e.name === 'login.failed').map((e) => e.payload);
  return { wrong, unknown, failed };
}

describe('passport-local Strategy as verifyUser (usernameField: email)', () => {
  it('issues tokens when the strategy succeeds', async () => {
    const { app } = await createServer({ verifyUser: await emailStrategy() });
    const res = await login(app, 'alice', 'correct horse');
    expect(res.status).toBe(200);
  });

  it('tells an unknown user from a wrong password in login.failed when the info says so, and answers both alike', async () => {
    const message = 'Incorrect email or password.';
    const strategy = await emailStrategy({ unknown: { message, reason: 'unknown_user' }, wrong: { message, reason: 'bad_password' } });
    const { wrong, unknown, failed } = await bothFailures(strategy);
    expect(failed).toEqual([
      expect.objectContaining({ username: 'alice', reason: 'bad_password', detail: message }),
      expect.objectContaining({ username: 'nobody', reason: 'unknown_user', detail: message }),
    ]);
    // The reason is for the audit log only: status, headers and body are byte for byte the same.
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(wire(unknown)).toEqual(wire(wrong));
  });

  it('reports a fail() without a reason as "rejected" (the protocol cannot say why), its message as the detail', async () => {
    const { wrong, unknown, failed } = await bothFailures(await emailStrategy({ unknown: { message: 'Unknown user' }, wrong: { message: 'Wrong password' } }));
    expect(failed).toEqual([
      expect.objectContaining({ username: 'alice', reason: 'rejected', detail: 'Wrong password' }),
      expect.objectContaining({ username: 'nobody', reason: 'rejected', detail: 'Unknown user' }),
    ]);
    expect(wire(unknown)).toEqual(wire(wrong));
    expect(wrong.text).not.toMatch(/Wrong password|Unknown user/);
  });

  it.each([
    ['a wrong password', 'alice', 'wrong'],
    ['an unknown user', 'nobody', 'wrong'],
  ])('reports %s with no info at all as "rejected", without a detail, and answers invalid_grant', async (_case, username, password) => {
    const { app, events } = await createServer({ verifyUser: await emailStrategy() });
    const res = await login(app, username, password);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    const failed = events.filter((e) => e.name === 'login.failed').map((e) => e.payload);
    expect(failed).toEqual([expect.objectContaining({ username, reason: 'rejected' })]);
    expect(failed[0]).not.toHaveProperty('detail');
  });

  it('ignores a reason outside the two the protocol cannot tell, and keeps a long message to a sentence', async () => {
    const strategy = await emailStrategy({ wrong: { message: 'x'.repeat(5000), reason: 'disabled' } });
    const { failed } = await bothFailures(strategy);
    expect(failed[0]).toMatchObject({ username: 'alice', reason: 'rejected', detail: 'x'.repeat(200) });
  });

  it("names passport-local's own refusal in the detail: a usernameField it cannot find gives 'Missing credentials'", async () => {
    const { app, events } = await createServer({ verifyUser: await emailStrategy({}, 'user[email]') });
    const res = await login(app, 'alice', 'correct horse');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(events.filter((e) => e.name === 'login.failed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ username: 'alice', reason: 'rejected', detail: 'Missing credentials' }),
    ]);
  });

  it('answers 500 server_error and emits error when the strategy calls error()', async () => {
    const { app, events } = await createServer({ verifyUser: await emailStrategy() });
    const res = await login(app, 'boom@example.com', 'x');
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(JSON.stringify(res.body)).not.toContain('directory down');
    expect(events.some((e) => e.name === 'error')).toBe(true);
  });
});
