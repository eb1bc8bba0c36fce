// __tests__/users/passport-local-reasons.test.ts
// A passport-local Strategy as verifyUser: its fail() is reported as reason 'rejected', its error() as server_error.

import bcrypt from 'bcrypt';
import { Strategy as LocalStrategy } from 'passport-local';
import request from 'supertest';
import { basic, createServer, form, loadFixture, WEB_SECRET } from '../helpers/server';

async function emailStrategy(): Promise<LocalStrategy> {
  const { users } = await loadFixture();
  return new LocalStrategy({ usernameField: 'email', session: false }, (email, password, done) => {
    if (email === 'boom@example.com') return done(new Error('directory down'));
    const row = users.get(email);
    if (!row) return done(null, false);
    bcrypt.compare(password, row.passwordHash).then((ok) => done(null, ok ? { id: row.id } : false), done);
  });
}

function login(app: Parameters<typeof request>[0], username: string, password: string) {
  return request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username, password }));
}

describe('passport-local Strategy as verifyUser (usernameField: email)', () => {
  it('issues tokens when the strategy succeeds', async () => {
    const { app } = await createServer({ verifyUser: await emailStrategy() });
    const res = await login(app, 'alice', 'correct horse');
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong password', 'alice', 'wrong'],
    ['an unknown user', 'nobody', 'wrong'],
  ])('reports %s as login.failed with reason "rejected", and answers invalid_grant', async (_case, username, password) => {
    const { app, events } = await createServer({ verifyUser: await emailStrategy() });
    const res = await login(app, username, password);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(events.filter((e) => e.name === 'login.failed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ username, reason: 'rejected' }),
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
