// verifyUser may be the app's existing passport-local Strategy: the router runs it against the token request's
// username/password, through the passport protocol (success / fail / error), so the app keeps one password check.
import bcrypt from 'bcrypt';
import request from 'supertest';
import { Strategy as LocalStrategy } from 'passport-local';
import { basic, createServer, form, WEB_SECRET } from '../helpers/server';

const hash = bcrypt.hashSync('s3cret!', 4);
const rows = [{ id: 7, email: 'carol@example.com', passwordHash: hash, role: 'admin' }];

function loginForm() {
  let calls = 0;
  const strategy = new LocalStrategy(
    { usernameField: 'email' },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- passport-local's verify callback types the user as any
    (email: string, password: string, done: (err: unknown, user?: any, info?: { message: string }) => void) => {
      calls++;
      if (email === 'explode@example.com') return done(new Error('users table locked'));
      const row = rows.find((r) => r.email === email);
      if (!row) return done(null, false, { message: 'Unknown user' });
      bcrypt.compare(password, row.passwordHash).then((ok) => (ok ? done(null, row) : done(null, false, { message: 'Wrong password' })), done);
    },
  );
  return { strategy, calls: () => calls };
}

const token = (app: Parameters<typeof request>[0], username: string, password: string) =>
  request(app)
    .post('/oauth2/token')
    .set('Authorization', basic('web', WEB_SECRET))
    .type('form')
    .send(form({ grant_type: 'password', username, password, scope: 'orders' }));

describe('verifyUser as a passport-local Strategy', () => {
  it("runs the app's strategy configured with usernameField 'email' against username/password", async () => {
    const { strategy, calls } = loginForm();
    const { app } = await createServer({ verifyUser: strategy });
    const res = await token(app, 'carol@example.com', 's3cret!');
    expect(res.status).toBe(200);
    expect(calls()).toBe(1);
    const me = await request(app).get('/api/orders').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(me.body.sub).toBe('7');
  });

  it('never copies the row (password hash, role) into the token', async () => {
    const { strategy } = loginForm();
    const { app } = await createServer({ verifyUser: strategy });
    const res = await token(app, 'carol@example.com', 's3cret!');
    const payload = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(JSON.stringify(payload)).not.toContain(hash);
    expect(payload.role).toBeUndefined();
  });

  it.each([
    ['a wrong password', 'carol@example.com', 'nope'],
    ['an unknown user', 'dave@example.com', 's3cret!'],
  ])('turns fail() for %s into invalid_grant', async (_n, username, password) => {
    const { strategy } = loginForm();
    const { app, events } = await createServer({ verifyUser: strategy });
    const res = await token(app, username, password);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(events.find((e) => e.name === 'login.failed')?.payload).toMatchObject({ reason: 'rejected', username });
  });

  it('turns error() into server_error with an error event', async () => {
    const { strategy } = loginForm();
    const { app, events } = await createServer({ verifyUser: strategy });
    const res = await token(app, 'explode@example.com', 'x');
    expect(res.status).toBe(500);
    expect(res.body.error).toBe('server_error');
    expect(res.text).not.toContain('users table locked');
    expect(events.find((e) => e.name === 'error')).toBeDefined();
  });

  it('supports passReqToCallback and custom field names for both fields', async () => {
    let sawReq = false;
    const strategy = new LocalStrategy({ usernameField: 'login', passwordField: 'pass', passReqToCallback: true }, (req, login, pass, done) => {
      sawReq = req.originalUrl === '/oauth2/token';
      done(null, login === 'carol' && pass === 'pw' ? { id: 'c' } : false);
    });
    const { app } = await createServer({ verifyUser: strategy });
    expect((await token(app, 'carol', 'pw')).status).toBe(200);
    expect(sawReq).toBe(true);
  });
});
