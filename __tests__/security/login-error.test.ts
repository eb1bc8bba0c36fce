// __tests__/security/login-error.test.ts
// Deliberate failure reasons (loginError) and the MFA step-up grant with its single-use mfa_token.

import bcrypt from 'bcrypt';
import request from 'supertest';
import {
  isLoginError,
  isOAuthError,
  LoginError,
  loginError,
  MemoryStore,
  MFA_GRANT_TYPE,
  type Client,
  type PasswordGrantOptions,
  type User,
  type VerifyMfaContext,
} from '../../lib';
import { basic, createServer, form, loadFixture, type TestServer } from '../helpers/server';

const OTP = '123456';
let hash: string;
beforeAll(async () => {
  hash = await bcrypt.hash('pw', 4);
});

/** Users whose state the app chooses to reveal, once the password checked out. */
async function verifyUser(username: string, password: string): Promise<User | null | false> {
  if (!(await bcrypt.compare(password, hash))) return false;
  switch (username) {
    case 'disabled':
      throw loginError('account_disabled');
    case 'locked':
      throw loginError('account_locked', { description: 'Too many attempts; call the help desk' });
    case 'expired':
      throw loginError('password_expired');
    case 'mfa':
      throw loginError('mfa_required', { user: { id: 'u-mfa', scopes: ['orders'], claims: { name: 'M' } } });
    case 'mfa-nouser':
      throw loginError('mfa_required');
    default:
      return { id: `u-${username}` };
  }
}

async function server(overrides: Partial<PasswordGrantOptions> = {}): Promise<TestServer & { mfaCalls: VerifyMfaContext[] }> {
  const f = await loadFixture();
  const mfaCalls: VerifyMfaContext[] = [];
  const clients = new Map<string, Client>([
    ['app', { id: 'app', grants: ['password', 'refresh_token', MFA_GRANT_TYPE], scopes: ['openid', 'orders'] }],
    ['other', { id: 'other', grants: ['password', MFA_GRANT_TYPE], scopes: ['orders'] }],
    ['nomfa', { id: 'nomfa', grants: ['password'], scopes: ['orders'] }],
    ['web', f.clients.get('web')!],
  ]);
  const s = await createServer({
    verifyUser,
    findClient: (id) => clients.get(id) ?? null,
    verifyMfa: (ctx) => {
      mfaCalls.push(ctx);
      return ctx.params.otp === OTP;
    },
    ...overrides,
  });
  return Object.assign(s, { mfaCalls });
}

const login = (s: TestServer, username: string, client = 'app', password = 'pw') =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: 'password', client_id: client, username, password }));

const redeem = (s: TestServer, mfaToken: string, otp: string, client = 'app') =>
  request(s.app)
    .post('/oauth2/token')
    .type('form')
    .send(form({ grant_type: MFA_GRANT_TYPE, client_id: client, mfa_token: mfaToken, otp }));

describe('loginError reasons', () => {
  it.each([
    ['disabled', 'account_disabled', 'The account is disabled', 'disabled'],
    ['locked', 'account_locked', 'Too many attempts; call the help desk', 'locked'],
    ['expired', 'password_expired', 'The password has expired and must be changed', 'password_expired'],
  ])('%s: 400 invalid_grant with reason %s, and login.failed says why', async (username, reason, description, eventReason) => {
    const s = await server();
    const res = await login(s, username);
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: description, reason });
    expect(s.events.find((e) => e.name === 'login.failed')?.payload).toEqual({
      clientId: 'app',
      ip: expect.any(String),
      username,
      reason: eventReason,
      detail: reason,
    });
  });

  it('a wrong password stays the plain invalid_grant (the app throws only after checking the password)', async () => {
    const s = await server();
    const res = await login(s, 'disabled', 'app', 'nope');
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('account states count as failed attempts; password_expired does not', async () => {
    const s = await server({ throttle: { usernameIp: { max: 2 } } });
    await login(s, 'disabled');
    await login(s, 'disabled');
    expect((await login(s, 'disabled')).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await login(s, 'expired')).status).toBe(400);
  });

  it('is an OAuthError and a LoginError, recognisable across copies of the package', () => {
    const err = loginError('account_locked');
    expect(err).toBeInstanceOf(LoginError);
    expect(isLoginError(err)).toBe(true);
    expect(isOAuthError(err)).toBe(true);
    expect(isLoginError(new Error('x'))).toBe(false);
    expect(err.toJSON()).toEqual({ error: 'invalid_grant', error_description: 'The account is locked', reason: 'account_locked' });
  });
});

describe('MFA step-up', () => {
  it('answers 403 mfa_required with an opaque mfa_token, then issues tokens once the second factor checks out', async () => {
    const s = await server();
    const first = await login(s, 'mfa');
    expect(first.status).toBe(403);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).toEqual({
      error: 'mfa_required',
      error_description: 'Multi-factor authentication is required',
      mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(s.events.map((e) => e.name)).toEqual(['login.failed']);
    expect(s.events[0].payload).toMatchObject({ reason: 'mfa_required', username: 'mfa' });

    const second = await redeem(s, first.body.mfa_token, OTP);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'Bearer', scope: 'openid orders', refresh_token: expect.any(String), id_token: expect.any(String) });
    const me = await request(s.app).get('/api/orders').set('Authorization', `Bearer ${second.body.access_token}`);
    expect(me.body.sub).toBe('u-mfa');
    expect(s.mfaCalls[0]).toMatchObject({ user: { id: 'u-mfa' }, username: 'mfa', scope: ['openid', 'orders'], client: { id: 'app' } });
    expect(s.events.map((e) => e.name)).toEqual(['login.failed', 'login.succeeded', 'token.issued']);
  });

  it('the mfa_token is single-use: a replay after success is invalid_grant', async () => {
    const s = await server();
    const { mfa_token } = (await login(s, 'mfa')).body;
    expect((await redeem(s, mfa_token, OTP)).status).toBe(200);
    const replay = await redeem(s, mfa_token, OTP);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('a wrong second factor burns the token, so it cannot be guessed with one mfa_token', async () => {
    const s = await server();
    const { mfa_token } = (await login(s, 'mfa')).body;
    const wrong = await redeem(s, mfa_token, '000000');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(s.events.at(-1)).toMatchObject({ name: 'login.failed', payload: { reason: 'mfa_failed', username: 'mfa' } });
    expect((await redeem(s, mfa_token, OTP)).status).toBe(400);
  });

  it('expires after mfaTokenTTL', async () => {
    let now = Date.now();
    const s = await server({ mfaTokenTTL: 60, store: new MemoryStore({ now: () => now }) });
    const { mfa_token } = (await login(s, 'mfa')).body;
    now += 61_000;
    expect((await redeem(s, mfa_token, OTP)).status).toBe(400);
  });

  it('is bound to the client it was issued to', async () => {
    const s = await server();
    const { mfa_token } = (await login(s, 'mfa')).body;
    const res = await redeem(s, mfa_token, OTP, 'other');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(s.mfaCalls).toHaveLength(0);
  });

  it('a client without the MFA grant type gets unauthorized_client', async () => {
    const s = await server();
    const res = await redeem(s, 'x'.repeat(43), OTP, 'nomfa');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('a missing mfa_token is invalid_request', async () => {
    const s = await server();
    const res = await request(s.app)
      .post('/oauth2/token')
      .type('form')
      .send(form({ grant_type: MFA_GRANT_TYPE, client_id: 'app' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: mfa_token' });
  });

  it('without verifyMfa the grant is unsupported and mfa_required from verifyUser is a server_error', async () => {
    const s = await server({ verifyMfa: undefined });
    expect((await redeem(s, 'x'.repeat(43), OTP)).body.error).toBe('unsupported_grant_type');
    const res = await login(s, 'mfa');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect(s.events.some((e) => e.name === 'error')).toBe(true);
  });

  it.each([
    [{ verifyMfa: 'yes' }, 'options.verifyMfa must be a function'],
    [{ mfaTokenTTL: 0 }, 'options.mfaTokenTTL must be a positive integer'],
  ])('rejects %j at construction', async (bad, message) => {
    await expect(createServer(bad as Partial<PasswordGrantOptions>)).rejects.toThrow(message);
  });

  it("loginError('mfa_required') without { user } is a server_error", async () => {
    const s = await server();
    expect((await login(s, 'mfa-nouser')).status).toBe(500);
  });

  it('verifyMfa throwing is a server_error; throwing loginError passes through', async () => {
    const boom = await server({
      verifyMfa: () => {
        throw new Error('otp service down');
      },
    });
    const t1 = (await login(boom, 'mfa')).body.mfa_token;
    const r1 = await redeem(boom, t1, OTP);
    expect(r1.status).toBe(500);
    expect(r1.text).not.toContain('otp service down');
    const locked = await server({
      verifyMfa: () => {
        throw loginError('account_locked');
      },
    });
    const t2 = (await login(locked, 'mfa')).body.mfa_token;
    expect((await redeem(locked, t2, OTP)).body).toMatchObject({ error: 'invalid_grant', reason: 'account_locked' });
  });

  it('runs verifyUser as a passport-local strategy too, with reasons passed through error()', async () => {
    const f = await loadFixture();
    const { Strategy } = await import('passport-local');
    const strategy = new Strategy((u, _p, done) => (u === 'disabled' ? done(loginError('account_disabled')) : done(null, false)));
    const s = await createServer({ verifyUser: strategy, findClient: (id) => f.clients.get(id) ?? null });
    const res = await request(s.app)
      .post('/oauth2/token')
      .set('Authorization', basic('web', 's3cr:et with colon ✓'))
      .type('form')
      .send(form({ grant_type: 'password', username: 'disabled', password: 'pw' }));
    expect(res.body).toMatchObject({ error: 'invalid_grant', reason: 'account_disabled' });
  });
});
